package dev.slipway.differential;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads a file's content out of an OCI image archive, for rules that look at contents. */
final class ImageArchive {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, byte[]> entries = new HashMap<>();

  private ImageArchive(Path archive) throws IOException {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (e.isFile()) {
          entries.put(e.getName().replaceFirst("^\\./", ""), tar.readAllBytes());
        }
      }
    }
  }

  /** The content of {@code path} in the image's top-most layer that has it, or null. */
  static byte[] fileContent(Path archive, String path) throws IOException {
    ImageArchive image = new ImageArchive(archive);
    JsonNode manifest = image.manifest(JSON.readTree(image.entries.get("index.json")));
    byte[] content = null;
    for (JsonNode layer : manifest.path("layers")) {
      try (TarArchiveInputStream tar = new TarArchiveInputStream(image.layer(layer))) {
        for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
          if (e.isFile() && ("/" + e.getName()).replaceAll("/+\\.?/", "/").equals(path)) {
            content = tar.readAllBytes();
          }
        }
      }
    }
    return content;
  }

  private JsonNode manifest(JsonNode index) throws IOException {
    for (JsonNode d : index.path("manifests")) {
      JsonNode doc = JSON.readTree(blob(d.path("digest").asText()));
      return doc.has("manifests") ? manifest(doc) : doc;
    }
    throw new IOException("no manifest in the image index");
  }

  private InputStream layer(JsonNode descriptor) throws IOException {
    byte[] data = blob(descriptor.path("digest").asText());
    InputStream in = new ByteArrayInputStream(data);
    boolean gzip = data.length > 1 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    return gzip ? new GZIPInputStream(in) : in;
  }

  private byte[] blob(String digest) throws IOException {
    byte[] data = entries.get("blobs/" + digest.replace(':', '/'));
    if (data == null) {
      throw new IOException("blob " + digest + " missing from the archive");
    }
    return data;
  }
}
