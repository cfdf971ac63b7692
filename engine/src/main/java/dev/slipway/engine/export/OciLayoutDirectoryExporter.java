package dev.slipway.engine.export;

import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.image.Annotations;
import dev.slipway.engine.image.ImageBlobs;
import dev.slipway.engine.image.ImageIndex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes an image into an OCI image layout directory ({@code --output type=oci,tar=false}). An
 * existing layout is extended: its other images stay, an entry with the same name is replaced.
 * Blobs are written before {@code index.json}, each atomically, so readers never see a name that
 * points at missing content.
 */
public final class OciLayoutDirectoryExporter {
  private final ContentStore content;

  public OciLayoutDirectoryExporter(ContentStore content) {
    this.content = content;
  }

  public void export(Descriptor root, List<String> names, Path dir) throws IOException {
    Path blobDir = dir.resolve("blobs").resolve("sha256");
    Files.createDirectories(blobDir);
    for (Descriptor blob : ImageBlobs.of(content, root)) {
      Path target = blobDir.resolve(blob.digest().hex());
      if (Files.isRegularFile(target) && Files.size(target) == content.size(blob.digest())) {
        continue; // content-addressed: same name, same bytes
      }
      AtomicFile.write(
          target,
          out -> {
            try (InputStream in = content.open(blob.digest())) {
              in.transferTo(out);
            }
          });
    }
    AtomicFile.write(dir.resolve("oci-layout"), out -> out.write(OciLayout.LAYOUT_FILE));
    List<Descriptor> entries = new ArrayList<>();
    List<Descriptor> added = OciLayout.entries(root, names);
    Path indexFile = dir.resolve("index.json");
    if (Files.isRegularFile(indexFile)) {
      ImageIndex existing = ImageIndex.parse(Files.readAllBytes(indexFile), indexFile.toString());
      for (Descriptor d : existing.manifests()) {
        if (added.stream().noneMatch(a -> sameName(a, d))) {
          entries.add(d);
        }
      }
    }
    entries.addAll(added);
    byte[] index = OciLayout.index(entries);
    AtomicFile.write(indexFile, out -> out.write(index));
  }

  private static boolean sameName(Descriptor a, Descriptor b) {
    String nameA = a.annotations().get(Annotations.CONTAINERD_IMAGE_NAME);
    String nameB = b.annotations().get(Annotations.CONTAINERD_IMAGE_NAME);
    if (nameA == null && nameB == null) {
      return a.annotations().get(Annotations.REF_NAME) == null
          ? a.digest().equals(b.digest())
          : Objects.equals(
              a.annotations().get(Annotations.REF_NAME), b.annotations().get(Annotations.REF_NAME));
    }
    return Objects.equals(nameA, nameB);
  }
}
