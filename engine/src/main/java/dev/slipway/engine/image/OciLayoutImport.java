package dev.slipway.engine.image;

import static dev.slipway.engine.image.ImportChecks.where;

import dev.slipway.engine.content.BlobNotFoundException;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Imports one image of an OCI image layout, from a tar (whose blobs are already in the content
 * store) or from a directory (whose blobs it copies in, only those the chosen image needs). The
 * image is picked from index.json by the requested reference, and tagged with that reference or the
 * name the layout gives it.
 */
final class OciLayoutImport {
  private final ImageStore images;
  private final ContentStore content;
  private final String sourceName;
  private final ImportRequest request;

  OciLayoutImport(ImageStore images, String sourceName, ImportRequest request) {
    this.images = images;
    this.content = images.content();
    this.sourceName = sourceName;
    this.request = request;
  }

  Image fromArchive(ArchiveContents contents) throws IOException {
    return finish(ImageIndex.parse(contents.document("index.json"), where(sourceName)));
  }

  Image fromDirectory(Path dir) throws IOException {
    Path indexFile = dir.resolve("index.json");
    if (!Files.isRegularFile(indexFile)) {
      throw new InvalidContentException(dir + " is not an OCI image layout: it has no index.json");
    }
    ImageIndex layout = ImageIndex.parse(Files.readAllBytes(indexFile), indexFile.toString());
    ingestFromDirectory(dir, selectReference(layout), ImportChecks.platformOrHost(request), 0);
    return finish(layout);
  }

  /** Copies the blobs one image needs out of a layout directory, verifying each. */
  private void ingestFromDirectory(Path dir, Descriptor d, Platform platform, int depth)
      throws IOException {
    Path blob = dir.resolve("blobs").resolve("sha256").resolve(d.digest().hex());
    boolean foreign = MediaTypes.isForeignLayer(d.mediaType());
    if (foreign && !Files.exists(blob)) {
      return;
    }
    try (InputStream in = Files.newInputStream(blob)) {
      content.ingest(in, d);
    } catch (NoSuchFileException e) {
      throw new InvalidContentException(
          "OCI layout " + dir + " lacks blob " + d.digest() + " (" + d.mediaType() + ")");
    }
    if (MediaTypes.isIndex(d.mediaType()) && depth < 4) {
      ImageIndex index = ImageIndex.parse(content.read(d.digest()), where(sourceName));
      ingestFromDirectory(dir, ImageStore.selectPlatform(index, platform, d), platform, depth + 1);
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Manifest m = Manifest.parse(content.read(d.digest()), where(sourceName));
      ingestFromDirectory(dir, m.config(), platform, depth);
      for (Descriptor layer : m.layers()) {
        ingestFromDirectory(dir, layer, platform, depth);
      }
    }
  }

  /** Resolves the chosen image from the content store, checks it is complete, and tags it. */
  private Image finish(ImageIndex layout) throws IOException {
    Descriptor top = selectReference(layout);
    Image image;
    try {
      image = images.resolve(top, ImportChecks.platformOrHost(request));
    } catch (BlobNotFoundException e) {
      throw new InvalidContentException(
          where(sourceName) + " lacks blob " + e.digest() + " that its index.json refers to", e);
    }
    ImportChecks.checkImage(image, sourceName, request);
    for (Descriptor layer : image.layers()) {
      if (!content.exists(layer.digest()) && !MediaTypes.isForeignLayer(layer.mediaType())) {
        throw new InvalidContentException(
            where(sourceName) + " lacks layer blob " + layer.digest() + " of " + top.digest());
      }
    }
    Set<String> names = new LinkedHashSet<>();
    if (request.name() != null) {
      names.add(request.name());
    } else if (top.annotations().containsKey(Annotations.CONTAINERD_IMAGE_NAME)) {
      names.add(top.annotations().get(Annotations.CONTAINERD_IMAGE_NAME));
    } else if (top.annotations().containsKey(Annotations.REF_NAME)) {
      names.add(top.annotations().get(Annotations.REF_NAME));
    }
    Descriptor named = image.descriptor().withAnnotations(null);
    for (String name : names) {
      images.tagImported(name, named);
    }
    return image;
  }

  /** The one image of the layout that the request names (or the only one, when it names none). */
  private Descriptor selectReference(ImageIndex layout) throws ImageNotFoundException {
    String reference = request.reference();
    List<Descriptor> candidates = new ArrayList<>();
    List<String> known = new ArrayList<>();
    for (Descriptor d : layout.manifests()) {
      String ref = d.annotations().get(Annotations.REF_NAME);
      String full = d.annotations().get(Annotations.CONTAINERD_IMAGE_NAME);
      if (full != null) {
        known.add(full);
      } else if (ref != null) {
        known.add(ref);
      }
      if (reference == null
          || reference.equals(ref)
          || reference.equals(full)
          || matchesShort(reference, full)) {
        candidates.add(d);
      }
    }
    if (candidates.isEmpty()) {
      throw new ImageNotFoundException(
          where(sourceName)
              + (reference == null ? " contains no image" : " has no image named " + reference)
              + "; it contains: "
              + (known.isEmpty() ? "no named images" : String.join(", ", known)));
    }
    Set<Digest> distinct = new LinkedHashSet<>();
    candidates.forEach(d -> distinct.add(d.digest()));
    if (distinct.size() > 1) {
      throw new ImageNotFoundException(
          where(sourceName)
              + " contains several images ("
              + (known.isEmpty() ? distinct.size() + " unnamed" : String.join(", ", known))
              + "); say which one to import");
    }
    return candidates.get(0);
  }

  /** {@code busybox:latest} matches {@code docker.io/library/busybox:latest}. */
  private static boolean matchesShort(String reference, String full) {
    return full != null
        && (full.equals("docker.io/library/" + reference) || full.equals("docker.io/" + reference));
  }
}
