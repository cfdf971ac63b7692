package dev.slipway.engine.attest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.control.v1.Attestations;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.export.AttestationSubject;
import dev.slipway.engine.export.BuildProvenance;
import dev.slipway.engine.export.ImageAttestations;
import dev.slipway.engine.image.BaseImagePins;
import dev.slipway.engine.job.BuildFailedException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attestations buildx asks for with {@code --sbom} and {@code --provenance}: per platform
 * image, one attestation manifest holding an SPDX SBOM statement ({@link SpdxSbom} of {@link
 * RootfsScan}) and a SLSA v1 provenance statement ({@link SlsaProvenance}), in BuildKit's order and
 * format ({@link AttestationManifest}).
 */
public final class SupplyChainAttestations implements ImageAttestations {
  static final String SPDX_PREDICATE = "https://spdx.dev/Document";
  private static final System.Logger LOG =
      System.getLogger(SupplyChainAttestations.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContentStore content;
  private final String builderId;

  /**
   * @param builderId the provenance's {@code runDetails.builder.id} (BuildKit writes "" unless
   *     told; a builder pod names itself)
   */
  public SupplyChainAttestations(ContentStore content, String builderId) {
    this.content = content;
    this.builderId = builderId == null ? "" : builderId;
  }

  @Override
  public List<Descriptor> attest(AttestationSubject subject)
      throws IOException, BuildFailedException {
    Attestations asked = subject.request().getAttestations();
    String mode = asked.getProvenanceMode();
    if (!mode.isEmpty() && !mode.equals("min") && !mode.equals("max")) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INVALID_INPUT,
          "provenance mode \""
              + mode
              + "\" is not known: say mode=min or mode=max (or leave provenance out)");
    }
    if (!asked.getSbom() && mode.isEmpty()) {
      return List.of();
    }
    List<AttestationManifest.Statement> statements = new ArrayList<>();
    if (asked.getSbom()) {
      RootfsScan scan = RootfsScan.of(subject.rootfs());
      scan.warnings().forEach(w -> LOG.log(System.Logger.Level.WARNING, "SBOM: " + w));
      String digest = subject.image().descriptor().digest().toString();
      byte[] spdx =
          SpdxSbom.json(
              subject.request().getOutputsList().stream()
                  .flatMap(o -> o.getNamesList().stream())
                  .findFirst()
                  .orElse(digest),
              "https://slipway.dev/spdx/" + digest.replace(':', '-'),
              scan,
              subject.started());
      statements.add(new AttestationManifest.Statement(SPDX_PREDICATE, JSON.readTree(spdx)));
    }
    if (!mode.isEmpty()) {
      statements.add(
          new AttestationManifest.Statement(
              SlsaProvenance.PREDICATE_TYPE,
              SlsaProvenance.predicate(subject, mode.equals("max"), builderId, Instant.now())));
    }
    return List.of(
        AttestationManifest.write(
            content, subject.image().descriptor(), statements, names(subject)));
  }

  /**
   * The statement subjects as BuildKit writes them: each image name of the outputs as a docker purl
   * with the platform, to the image manifest's digest; none for an unnamed image.
   */
  private static Map<String, String> names(AttestationSubject s) {
    Map<String, String> out = new LinkedHashMap<>();
    String hex = s.image().descriptor().digest().hex();
    s.request().getOutputsList().stream()
        .flatMap(o -> o.getNamesList().stream())
        .distinct()
        .forEach(
            n -> out.put(BuildProvenance.purl(new BaseImagePins.Pin(n, s.platform(), "")), hex));
    return out;
  }
}
