package dev.slipway.engine.export;

import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.image.ImageBlobs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes an image as an OCI image layout tar ({@code --output type=oci}): {@code oci-layout}, an
 * {@code index.json} naming the image, and every blob of the image (all platforms of an index). The
 * archive is deterministic: the same image and names give the same bytes.
 */
public final class OciArchiveExporter {
  private final ContentStore content;

  public OciArchiveExporter(ContentStore content) {
    this.content = content;
  }

  /** Streams the archive to {@code out} (e.g. stdout for {@code dest=-}); does not close it. */
  public void export(Descriptor root, List<String> names, OutputStream out) throws IOException {
    export(root, names, Map.of(), out);
  }

  /**
   * Streams the archive, the index entries carrying {@code descriptorAnnotations}; does not close
   * {@code out}.
   */
  public void export(
      Descriptor root,
      List<String> names,
      Map<String, String> descriptorAnnotations,
      OutputStream out)
      throws IOException {
    archive(root, names, descriptorAnnotations).writeTo(out);
  }

  /** Writes the archive to {@code dest}, which appears only once complete. */
  public void export(Descriptor root, List<String> names, Path dest) throws IOException {
    DeterministicTar tar = archive(root, names, Map.of());
    AtomicFile.write(dest, tar::writeTo);
  }

  private DeterministicTar archive(
      Descriptor root, List<String> names, Map<String, String> descriptorAnnotations)
      throws IOException {
    DeterministicTar tar = new DeterministicTar();
    for (Descriptor blob : ImageBlobs.of(content, root)) {
      tar.add(
          "blobs/sha256/" + blob.digest().hex(),
          content.size(blob.digest()),
          () -> content.open(blob.digest()));
    }
    tar.add("index.json", OciLayout.index(OciLayout.entries(root, names, descriptorAnnotations)));
    tar.add("oci-layout", OciLayout.LAYOUT_FILE);
    return tar;
  }
}
