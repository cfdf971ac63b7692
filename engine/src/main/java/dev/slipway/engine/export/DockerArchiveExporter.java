package dev.slipway.engine.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.DigestMismatchException;
import dev.slipway.engine.content.LayerCompression;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.image.DockerArchiveManifest;
import dev.slipway.engine.image.Image;
import dev.slipway.engine.image.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an image as a tar that {@code docker load} accepts ({@code --output type=docker}), in the
 * layout Docker 25+ saves: {@code manifest.json} (read by every docker since 1.10, including 20.10)
 * whose Config and Layers point into an OCI layout ({@code blobs/sha256/…}, {@code index.json},
 * {@code oci-layout}) that containerd-backed docker reads. Layers are stored uncompressed, named by
 * their diffID, as docker save does; compressed layers are decompressed and checked on the way.
 */
public final class DockerArchiveExporter {
  private final ContentStore content;

  public DockerArchiveExporter(ContentStore content) {
    this.content = content;
  }

  /** Streams the archive to {@code out} (not closed); {@code repoTags} as in {@code docker tag}. */
  public void export(Image image, List<String> repoTags, OutputStream out) throws IOException {
    archive(image, repoTags).writeTo(out);
  }

  /** Writes the archive to {@code dest}, which appears only once complete. */
  public void export(Image image, List<String> repoTags, Path dest) throws IOException {
    DeterministicTar tar = archive(image, repoTags);
    AtomicFile.write(dest, tar::writeTo);
  }

  private DeterministicTar archive(Image image, List<String> repoTags) throws IOException {
    List<String> tags = repoTags.stream().map(ImageNames::withDefaultTag).toList();
    DeterministicTar tar = new DeterministicTar();
    Descriptor config = image.configDescriptor();
    tar.add(
        blobPath(config.digest()),
        content.size(config.digest()),
        () -> content.open(config.digest()));

    List<String> diffIds = image.config().rootfs().diffIds();
    if (diffIds.size() != image.layers().size()) {
      throw new IllegalArgumentException(
          "image "
              + image.descriptor().digest()
              + " has "
              + image.layers().size()
              + " layers but "
              + diffIds.size()
              + " diff_ids; it cannot be exported");
    }
    Map<Digest, Descriptor> uncompressed = new LinkedHashMap<>();
    List<String> layerPaths = new ArrayList<>();
    for (int i = 0; i < diffIds.size(); i++) {
      Descriptor layer = image.layers().get(i);
      Digest diffId = Digest.parse(diffIds.get(i));
      layerPaths.add(blobPath(diffId));
      if (!uncompressed.containsKey(diffId)) {
        long size = uncompressedSize(layer, diffId);
        uncompressed.put(diffId, Descriptor.of(MediaTypes.OCI_LAYER, diffId, size));
        tar.add(
            blobPath(diffId),
            size,
            () -> LayerCompression.decompress(content.open(layer.digest())));
      }
    }

    Manifest manifest =
        Manifest.oci(
            config.withMediaType(MediaTypes.OCI_CONFIG),
            diffIds.stream().map(d -> uncompressed.get(Digest.parse(d))).toList());
    byte[] manifestJson = manifest.toJson();
    Descriptor manifestDescriptor = Descriptor.of(MediaTypes.OCI_MANIFEST, manifestJson);
    tar.add(blobPath(manifestDescriptor.digest()), manifestJson);
    tar.add("index.json", OciLayout.index(OciLayout.entries(manifestDescriptor, tags)));
    tar.add("oci-layout", OciLayout.LAYOUT_FILE);

    ObjectMapper json = CanonicalJson.mapper();
    tar.add(
        "manifest.json",
        json.writeValueAsBytes(
            List.of(new DockerArchiveManifest(blobPath(config.digest()), tags, layerPaths))));
    return tar;
  }

  /** Measures a layer's tar, verifying it is the diffID the config promises. */
  private long uncompressedSize(Descriptor layer, Digest diffId) throws IOException {
    if (layer.digest().equals(diffId)) {
      return content.size(layer.digest());
    }
    MessageDigest sha = Digest.newSha256();
    long size;
    try (InputStream in = LayerCompression.decompress(content.open(layer.digest()));
        OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
      size = in.transferTo(sink);
    }
    Digest actual = Digest.fromBytes(sha.digest());
    if (!actual.equals(diffId)) {
      throw new DigestMismatchException(
          "layer "
              + layer.digest()
              + " unpacks to "
              + actual
              + " but the image config says "
              + diffId
              + "; the stored layer is corrupt: delete it and rebuild or re-import");
    }
    return size;
  }

  private static String blobPath(Digest digest) {
    return "blobs/sha256/" + digest.hex();
  }
}
