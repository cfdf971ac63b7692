package dev.slipway.engine.image;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.slipway.engine.content.BlobInfo;
import dev.slipway.engine.content.BlobNotFoundException;
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
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Brings base images in from files: an OCI image layout as a tar (oci-archive) or as a directory,
 * and a {@code docker save} tar (docker-archive; both the classic {@code <id>/layer.tar} form and
 * the OCI-based form of Docker 25+). The tar may itself be gzip/zstd/bzip2/xz compressed and is
 * read in one pass, so it may come from a pipe. Every blob is verified against its digest while it
 * is stored; docker-archive layers are verified against the config's diffIDs.
 */
public final class ImageArchiveImporter {
  private static final Pattern BLOB_PATH = Pattern.compile("blobs/sha256/([0-9a-f]{64})");
  private static final long MAX_DOCUMENT = 16L << 20;

  private final ImageStore images;
  private final ContentStore content;

  public ImageArchiveImporter(ImageStore images) {
    this.images = images;
    this.content = images.content();
  }

  /** Imports from an archive file or an OCI layout directory. */
  public Image importFrom(Path source, ImportRequest request) throws IOException {
    if (Files.isDirectory(source)) {
      return importLayoutDirectory(source, request);
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
    ArchiveContents contents = readArchive(archive, sourceName);
    if (contents.documents.containsKey("index.json")) {
      ImageIndex layout = ImageIndex.parse(contents.documents.get("index.json"), where(sourceName));
      return finishOci(layout, sourceName, request);
    }
    if (contents.documents.containsKey("manifest.json")) {
      return finishDocker(contents, sourceName, request);
    }
    throw new InvalidContentException(
        sourceName
            + " is neither an OCI archive (no index.json) nor a docker archive (no manifest.json);"
            + " create it with `docker save`, `skopeo copy ... oci-archive:` or a build --output");
  }

  private Image importLayoutDirectory(Path dir, ImportRequest request) throws IOException {
    Path indexFile = dir.resolve("index.json");
    if (!Files.isRegularFile(indexFile)) {
      throw new InvalidContentException(dir + " is not an OCI image layout: it has no index.json");
    }
    ImageIndex layout = ImageIndex.parse(Files.readAllBytes(indexFile), indexFile.toString());
    Descriptor top = selectReference(layout, dir.toString(), request.reference());
    ingestFromDirectory(dir, top, platformOrHost(request), 0);
    return finishOci(layout, dir.toString(), request);
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
      ImageIndex index = ImageIndex.parse(content.read(d.digest()), where(dir.toString()));
      ingestFromDirectory(dir, ImageStore.selectPlatform(index, platform, d), platform, depth + 1);
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Manifest m = Manifest.parse(content.read(d.digest()), where(dir.toString()));
      ingestFromDirectory(dir, m.config(), platform, depth);
      for (Descriptor layer : m.layers()) {
        ingestFromDirectory(dir, layer, platform, depth);
      }
    }
  }

  private Image finishOci(ImageIndex layout, String sourceName, ImportRequest request)
      throws IOException {
    Descriptor top = selectReference(layout, sourceName, request.reference());
    Image image;
    try {
      image = images.resolve(top, platformOrHost(request));
    } catch (BlobNotFoundException e) {
      throw new InvalidContentException(
          where(sourceName) + " lacks blob " + e.digest() + " that its index.json refers to", e);
    }
    checkImage(image, sourceName, request);
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
      images.tag(name, named);
    }
    return image;
  }

  private static Descriptor selectReference(ImageIndex layout, String sourceName, String reference)
      throws ImageNotFoundException {
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

  private Image finishDocker(ArchiveContents contents, String sourceName, ImportRequest request)
      throws IOException {
    List<DockerArchiveManifest> entries;
    try {
      entries =
          CanonicalJson.mapper()
              .readValue(
                  contents.documents.get("manifest.json"),
                  new TypeReference<List<DockerArchiveManifest>>() {});
    } catch (IOException e) {
      throw new InvalidContentException(
          where(sourceName) + " has an unreadable manifest.json: " + e.getMessage(), e);
    }
    DockerArchiveManifest entry = selectDockerEntry(entries, sourceName, request.reference());
    byte[] configJson = contents.fileBytes(entry.config(), content, sourceName);
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
      Digest blob = contents.blob(entry.layers().get(i), sourceName);
      layers.add(dockerLayer(blob, Digest.parse(diffIds.get(i)), sourceName));
    }
    Image image = images.create(Descriptor.of(MediaTypes.OCI_CONFIG, configJson), config, layers);
    checkImage(image, sourceName, request);
    List<String> names = request.name() != null ? List.of(request.name()) : entry.repoTags();
    for (String name : names) {
      images.tag(name, image.descriptor());
    }
    return image;
  }

  private static DockerArchiveManifest selectDockerEntry(
      List<DockerArchiveManifest> entries, String sourceName, String reference)
      throws ImageNotFoundException {
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

  /** Describes a docker-archive layer blob, checking that it unpacks to the config's diffID. */
  private Descriptor dockerLayer(Digest blob, Digest diffId, String sourceName) throws IOException {
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

  private static void checkImage(Image image, String sourceName, ImportRequest request)
      throws IOException {
    if (image.config().rootfs().diffIds().size() != image.layers().size()) {
      throw new InvalidContentException(
          where(sourceName)
              + ": manifest "
              + image.descriptor().digest()
              + " has "
              + image.layers().size()
              + " layers but its config lists "
              + image.config().rootfs().diffIds().size()
              + " diff_ids");
    }
    Platform wanted = request.platform();
    if (wanted != null && image.config().os() != null && image.config().architecture() != null) {
      Platform actual = image.platform();
      if (!actual.os().equals(wanted.os())
          || !actual.architecture().equals(wanted.architecture())) {
        throw new ImageNotFoundException(
            where(sourceName)
                + " holds a "
                + actual
                + " image, not "
                + wanted
                + "; import an archive for "
                + wanted
                + " or drop the platform");
      }
    }
  }

  private static Platform platformOrHost(ImportRequest request) {
    return request.platform() != null ? request.platform() : Platform.host();
  }

  private static String where(String sourceName) {
    return "image archive " + sourceName;
  }

  /** One pass over the tar: blobs go to the content store, small JSON documents stay in memory. */
  private ArchiveContents readArchive(InputStream archive, String sourceName) throws IOException {
    ArchiveContents contents = new ArchiveContents();
    TarArchiveInputStream tar = new TarArchiveInputStream(LayerCompression.decompress(archive));
    try {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        String name = normalize(e.getName());
        if (e.isSymbolicLink() || e.isLink()) {
          String target = e.isLink() ? normalize(e.getLinkName()) : resolve(name, e.getLinkName());
          contents.links.put(name, target);
          continue;
        }
        if (!e.isFile()) {
          continue;
        }
        Matcher blob = BLOB_PATH.matcher(name);
        if (blob.matches()) {
          Descriptor expected =
              Descriptor.of("application/octet-stream", new Digest(blob.group(1)), e.getSize());
          contents.blobs.put(name, content.ingest(tar, expected));
        } else if (!name.contains("/") && name.endsWith(".json") || name.equals("oci-layout")) {
          if (e.getSize() > MAX_DOCUMENT) {
            throw new InvalidContentException(
                where(sourceName) + ": " + name + " is implausibly large (" + e.getSize() + " B)");
          }
          contents.documents.put(name, tar.readAllBytes());
        } else if (name.endsWith("/layer.tar") || name.endsWith(".tar")) {
          contents.blobs.put(name, content.ingest(tar));
        }
      }
    } catch (IOException e) {
      if (e instanceof DigestMismatchException || e instanceof InvalidContentException) {
        throw e;
      }
      throw new InvalidContentException(
          "cannot read " + where(sourceName) + " as a tar: " + e.getMessage(), e);
    }
    return contents;
  }

  private static String normalize(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.startsWith("./") ? n.substring(2) : n.substring(1);
    }
    return n;
  }

  /** Resolves a relative symlink target against the link's directory. */
  private static String resolve(String link, String target) {
    Path base = Path.of("/" + link).getParent();
    return normalize(base.resolve(target).normalize().toString());
  }

  private static final class ArchiveContents {
    final Map<String, byte[]> documents = new HashMap<>();
    final Map<String, BlobInfo> blobs = new HashMap<>();
    final Map<String, String> links = new HashMap<>();

    String follow(String path) {
      String p = normalize(path);
      for (int i = 0; i < 16 && links.containsKey(p); i++) {
        p = links.get(p);
      }
      return p;
    }

    Digest blob(String path, String sourceName) throws InvalidContentException {
      String p = follow(path);
      BlobInfo info = blobs.get(p);
      if (info == null) {
        throw new InvalidContentException(
            where(sourceName) + " lacks " + path + ", which its manifest.json refers to");
      }
      return info.digest();
    }

    byte[] fileBytes(String path, ContentStore store, String sourceName) throws IOException {
      String p = follow(path);
      byte[] doc = documents.get(p);
      return doc != null ? doc : store.read(blob(p, sourceName));
    }
  }
}
