package dev.slipway.engine.attest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.spdx.core.InvalidSPDXAnalysisException;
import org.spdx.jacksonstore.MultiFormatStore;
import org.spdx.library.ModelCopyManager;
import org.spdx.library.SpdxModelFactory;
import org.spdx.library.model.v2.ReferenceType;
import org.spdx.library.model.v2.SpdxDocument;
import org.spdx.library.model.v2.SpdxItem;
import org.spdx.library.model.v2.SpdxModelFactoryCompatV2;
import org.spdx.library.model.v2.SpdxPackage;
import org.spdx.library.model.v2.enumerations.ReferenceCategory;
import org.spdx.library.model.v2.license.SpdxNoAssertionLicense;
import org.spdx.storage.simple.InMemSpdxStore;

/**
 * An SPDX 2.3 JSON document of the packages found in an image, as BuildKit's scanner writes for
 * {@code https://spdx.dev/Document}: one package per found package, each with its purl as a
 * PACKAGE-MANAGER external reference, described by the document. Model and serialisation are the
 * SPDX project's own Java library (java-spdx-library and its Jackson store).
 */
final class SpdxSbom {
  static final String PURL_TYPE = "http://spdx.org/rdf/references/purl";

  static {
    SpdxModelFactory.init();
  }

  private SpdxSbom() {}

  /**
   * The SPDX JSON bytes.
   *
   * @param name the document's name (the image's name, or its manifest digest)
   * @param namespace a URI unique to this document (derived from the image's digest)
   */
  static byte[] json(String name, String namespace, RootfsScan scan, Instant created)
      throws IOException {
    try {
      MultiFormatStore store =
          new MultiFormatStore(new InMemSpdxStore(), MultiFormatStore.Format.JSON_PRETTY);
      ModelCopyManager copies = new ModelCopyManager();
      SpdxDocument doc = SpdxModelFactoryCompatV2.createSpdxDocumentV2(store, namespace, copies);
      doc.setSpecVersion("SPDX-2.3");
      doc.setName(name);
      doc.setCreationInfo(
          doc.createCreationInfo(
              List.of("Tool: slipway"),
              DateTimeFormatter.ISO_INSTANT.format(created.truncatedTo(ChronoUnit.SECONDS))));
      ReferenceType purl = new ReferenceType(PURL_TYPE);
      List<SpdxItem> described = new ArrayList<>();
      int n = 0;
      for (FoundPackage p : scan.packages()) {
        SpdxPackage.SpdxPackageBuilder b =
            doc.createPackage(
                    "SPDXRef-Package-" + p.type() + "-" + (++n),
                    p.name(),
                    new SpdxNoAssertionLicense(),
                    "NOASSERTION",
                    new SpdxNoAssertionLicense())
                .setVersionInfo(p.version())
                .setDownloadLocation("NOASSERTION")
                .setFilesAnalyzed(false)
                .setSourceInfo("found in /" + p.location());
        if (!p.purl().isEmpty()) {
          b.addExternalRef(
              doc.createExternalRef(ReferenceCategory.PACKAGE_MANAGER, purl, p.purl(), null));
        }
        described.add(b.build());
      }
      doc.setDocumentDescribes(described);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.serialize(out);
      return out.toByteArray();
    } catch (InvalidSPDXAnalysisException e) {
      throw new IOException("the SBOM could not be written: " + e.getMessage(), e);
    }
  }
}
