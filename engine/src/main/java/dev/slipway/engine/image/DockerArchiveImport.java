package dev.slipway.engine.image;

import static dev.slipway.engine.image.ImportChecks.where;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Compression;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.DigestMismatchException;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports one image of a {@code docker save} tar: picks the manifest.json entry by tag, stores its
 * config, and describes each layer with an OCI media type after checking that it unpacks to the
 * config's diff_id (docker archives carry no layer digests of their own to trust).
 */
final class DockerArchiveImport {
  private final ImageStore images;
  private final ContentStore content;
  private final String sourceName;
  private final ImportRequest request;

  DockerArchiveImport(ImageStore images, String sourceName, ImportRequest request) {
    this.images = images;
    this.content = images.content();
    this.sourceName = sourceName;
    this.request = request;
  }

  Image fromArchive(ArchiveContents contents) throws IOException {
    List<DockerArchiveManifest> entries;
    try {
      entries =
          CanonicalJson.mapper()
              .readValue(
                  contents.document("manifest.json"),
                  new TypeReference<List<DockerArchiveManifest>>() {});
    } catch (IOException e) {
      throw new InvalidContentException(
          where(sourceName) + " has an unreadable manifest.json: " + e.getMessage(), e);
    }
    DockerArchiveManifest entry = selectEntry(entries);
    byte[] configJson = contents.fileBytes(entry.config());
    content.ingest(configJson);
    ImageConfig config =
        CanonicalJson.read(configJson, ImageConfig.class, "image config in " + where(sourceName));
    List<String> diffIds = config.rootfs().diffIds();
    if (diffIds.size() != entry.layers().size()) {
      throw new InvalidContentException(
          where(sourceName)
              + ": manifest.json lists "
              + entry.layers().size()
              + " layers but the image config has "
              + diffIds.size()
              + " diff_ids; the archive is inconsistent, re-create it");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      Digest blob = contents.blob(entry.layers().get(i));
      layers.add(layer(blob, Digest.parse(diffIds.get(i))));
    }
    Image image = images.create(Descriptor.of(MediaTypes.OCI_CONFIG, configJson), config, layers);
    ImportChecks.checkImage(image, sourceName, request);
    List<String> names = request.name() != null ? List.of(request.name()) : entry.repoTags();
    for (String name : names) {
      images.tagImported(name, image.descriptor());
    }
    return image;
  }

  private DockerArchiveManifest selectEntry(List<DockerArchiveManifest> entries)
      throws ImageNotFoundException {
    String reference = request.reference();
    List<String> tags = new ArrayList<>();
    for (DockerArchiveManifest e : entries) {
      tags.addAll(e.repoTags());
      if (reference != null
          && e.repoTags().stream()
              .anyMatch(t -> t.equals(reference) || t.equals(reference + ":latest"))) {
        return e;
      }
    }
    if (reference == null && entries.size() == 1) {
      return entries.get(0);
    }
    throw new ImageNotFoundException(
        where(sourceName)
            + (reference == null
                ? " contains " + entries.size() + " images; say which one to import"
                : " has no image tagged " + reference)
            + " (tags: "
            + (tags.isEmpty() ? "none" : String.join(", ", tags))
            + ")");
  }

  /** Describes a layer blob, checking that it unpacks to the config's diffID. */
  private Descriptor layer(Digest blob, Digest diffId) throws IOException {
    long size = content.size(blob);
    Compression compression;
    try (BufferedInputStream in = new BufferedInputStream(content.open(blob))) {
      compression = LayerCompression.detect(in);
    }
    String mediaType =
        switch (compression) {
          case NONE -> MediaTypes.OCI_LAYER;
          case GZIP -> MediaTypes.OCI_LAYER_GZIP;
          case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
          default ->
              throw new InvalidContentException(
                  where(sourceName)
                      + ": layer "
                      + blob
                      + " is "
                      + compression
                      + "-compressed, which images cannot carry; use gzip, zstd or none");
        };
    Digest actual = blob;
    if (compression != Compression.NONE) {
      MessageDigest sha = Digest.newSha256();
      try (InputStream in = LayerCompression.decompress(content.open(blob));
          OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
        in.transferTo(sink);
      }
      actual = Digest.fromBytes(sha.digest());
    }
    if (!actual.equals(diffId)) {
      throw new DigestMismatchException(
          where(sourceName)
              + ": layer "
              + blob
              + " unpacks to "
              + actual
              + " but the image config expects diff_id "
              + diffId
              + "; the archive is corrupt, re-create it");
    }
    return Descriptor.of(mediaType, blob, size);
  }
}
