package dev.slipway.engine.image;

import dev.slipway.engine.content.BlobInfo;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.DigestMismatchException;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.LayerCompression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What one pass over an image archive tar found: blobs went to the content store as they streamed
 * by (so the tar may come from a pipe), small top-level JSON documents stay in memory, and links
 * are remembered so that a docker-archive path can be followed to the file it names.
 */
final class ArchiveContents {
  private static final Pattern BLOB_PATH = Pattern.compile("blobs/sha256/([0-9a-f]{64})");
  private static final long MAX_DOCUMENT = 16L << 20;

  private final String sourceName;
  private final ContentStore content;
  private final Map<String, byte[]> documents = new HashMap<>();
  private final Map<String, BlobInfo> blobs = new HashMap<>();
  private final Map<String, String> links = new HashMap<>();

  private ArchiveContents(String sourceName, ContentStore content) {
    this.sourceName = sourceName;
    this.content = content;
  }

  /** Reads an (optionally compressed) tar, storing and verifying its blobs in {@code content}. */
  static ArchiveContents read(InputStream archive, String sourceName, ContentStore content)
      throws IOException {
    ArchiveContents contents = new ArchiveContents(sourceName, content);
    TarArchiveInputStream tar = new TarArchiveInputStream(LayerCompression.decompress(archive));
    try {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        contents.add(e, tar);
      }
    } catch (IOException e) {
      if (e instanceof DigestMismatchException || e instanceof InvalidContentException) {
        throw e;
      }
      throw new InvalidContentException(
          "cannot read " + ImportChecks.where(sourceName) + " as a tar: " + e.getMessage(), e);
    }
    return contents;
  }

  private void add(TarArchiveEntry e, TarArchiveInputStream tar) throws IOException {
    String name = normalize(e.getName());
    if (e.isSymbolicLink() || e.isLink()) {
      links.put(name, e.isLink() ? normalize(e.getLinkName()) : resolve(name, e.getLinkName()));
      return;
    }
    if (!e.isFile()) {
      return;
    }
    Matcher blob = BLOB_PATH.matcher(name);
    if (blob.matches()) {
      Descriptor expected =
          Descriptor.of("application/octet-stream", new Digest(blob.group(1)), e.getSize());
      blobs.put(name, content.ingest(tar, expected));
    } else if (!name.contains("/") && name.endsWith(".json") || name.equals("oci-layout")) {
      if (e.getSize() > MAX_DOCUMENT) {
        throw new InvalidContentException(
            ImportChecks.where(sourceName)
                + ": "
                + name
                + " is implausibly large ("
                + e.getSize()
                + " B)");
      }
      documents.put(name, tar.readAllBytes());
    } else if (name.endsWith("/layer.tar") || name.endsWith(".tar")) {
      blobs.put(name, content.ingest(tar));
    }
  }

  boolean hasDocument(String name) {
    return documents.containsKey(name);
  }

  /** A top-level JSON document (index.json, manifest.json, ...), or null when absent. */
  byte[] document(String name) {
    return documents.get(name);
  }

  /** The digest of the blob stored for {@code path}, following links. */
  Digest blob(String path) throws InvalidContentException {
    String p = follow(path);
    BlobInfo info = blobs.get(p);
    if (info == null) {
      throw new InvalidContentException(
          ImportChecks.where(sourceName)
              + " lacks "
              + path
              + ", which its manifest.json refers to");
    }
    return info.digest();
  }

  /** The bytes of a file of the archive, whether it was kept as a document or stored as a blob. */
  byte[] fileBytes(String path) throws IOException {
    String p = follow(path);
    byte[] doc = documents.get(p);
    return doc != null ? doc : content.read(blob(p));
  }

  private String follow(String path) {
    String p = normalize(path);
    for (int i = 0; i < 16 && links.containsKey(p); i++) {
      p = links.get(p);
    }
    return p;
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
}
