package dev.slipway.engine.image;

import dev.slipway.engine.content.InvalidContentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Brings base images in from files: an OCI image layout as a tar (oci-archive) or as a directory,
 * and a {@code docker save} tar (docker-archive; both the classic {@code <id>/layer.tar} form and
 * the OCI-based form of Docker 25+). The tar may itself be gzip/zstd/bzip2/xz compressed and is
 * read in one pass, so it may come from a pipe. Every blob is verified against its digest while it
 * is stored; docker-archive layers are verified against the config's diffIDs.
 *
 * <p>This class only tells the formats apart: {@link ArchiveContents} reads the tar, {@link
 * OciLayoutImport} and {@link DockerArchiveImport} turn what it read into an image.
 */
public final class ImageArchiveImporter {
  private final ImageStore images;

  public ImageArchiveImporter(ImageStore images) {
    this.images = images;
  }

  /** Imports from an archive file or an OCI layout directory. */
  public Image importFrom(Path source, ImportRequest request) throws IOException {
    if (Files.isDirectory(source)) {
      return new OciLayoutImport(images, source.toString(), request).fromDirectory(source);
    }
    try (InputStream in = Files.newInputStream(source)) {
      return importFrom(in, source.toString(), request);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(
          source.toString(), null, "image archive not found; check the path");
    }
  }

  /** Imports from a stream holding an (optionally compressed) OCI or docker archive tar. */
  public Image importFrom(InputStream archive, String sourceName, ImportRequest request)
      throws IOException {
    ArchiveContents contents = ArchiveContents.read(archive, sourceName, images.content());
    if (contents.hasDocument("index.json")) {
      return new OciLayoutImport(images, sourceName, request).fromArchive(contents);
    }
    if (contents.hasDocument("manifest.json")) {
      return new DockerArchiveImport(images, sourceName, request).fromArchive(contents);
    }
    throw new InvalidContentException(
        sourceName
            + " is neither an OCI archive (no index.json) nor a docker archive (no manifest.json);"
            + " create it with `docker save`, `skopeo copy ... oci-archive:` or a build --output");
  }
}
