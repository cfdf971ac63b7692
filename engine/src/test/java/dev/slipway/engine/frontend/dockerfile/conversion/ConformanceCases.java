package dev.slipway.engine.frontend.dockerfile.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.frontend.dockerfile.dockerignore.DockerIgnore;
import dev.slipway.engine.image.ImageConfig;
import dev.slipway.testing.Busybox;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The shared conformance corpus ({@code ../../shared/conformance} from the engine module): cases,
 * goldens, and the base image the goldens were built on, read from its real OCI archive.
 */
final class ConformanceCases {

  static final Path ROOT = Path.of("../../shared/conformance");
  static final String BASE_REF = "127.0.0.1:5000/busybox:latest";
  static final ObjectMapper JSON = new ObjectMapper();
  private static ImageConfig baseConfig;

  private ConformanceCases() {}

  record Case(String name, JsonNode spec) {
    Path dir() {
      return ROOT.resolve("cases").resolve(name);
    }

    String dockerfile() {
      return read(dir().resolve("Dockerfile"));
    }

    boolean expectError() {
      return "error".equals(spec.path("expect").asText());
    }

    JsonNode golden() {
      try {
        return JSON.readTree(ROOT.resolve("golden").resolve(name + ".json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    ConvertRequest request() {
      ConvertRequest.Builder b =
          ConvertRequest.builder(dockerfile(), ConformanceCases::resolve)
              .fileName("cases/" + name + "/Dockerfile")
              .targetPlatform(dev.slipway.engine.content.Platform.parse("linux/amd64"))
              .buildPlatform(dev.slipway.engine.content.Platform.parse("linux/amd64"));
      Path ignore = dir().resolve(".dockerignore");
      if (Files.exists(ignore)) {
        b.ignorePatterns(DockerIgnore.parse(".dockerignore", read(ignore)));
      }
      spec.path("build_args")
          .fields()
          .forEachRemaining(e -> b.buildArg(e.getKey(), e.getValue().asText()));
      if (spec.hasNonNull("target")) {
        b.target(spec.get("target").asText());
      }
      return b.build();
    }
  }

  static Stream<Case> all() {
    try {
      JsonNode cases = JSON.readTree(ROOT.resolve("cases.json").toFile()).get("cases");
      List<Case> out = new java.util.ArrayList<>();
      cases.fields().forEachRemaining(e -> out.add(new Case(e.getKey(), e.getValue())));
      return out.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Only the corpus' base image exists; anything else is a test failure. */
  static ImageConfig resolve(String ref, dev.slipway.engine.content.Platform platform) {
    if (!ref.equals(BASE_REF)) {
      throw new IllegalArgumentException("no image " + ref + " in the conformance corpus");
    }
    return baseConfig();
  }

  static synchronized ImageConfig baseConfig() {
    if (baseConfig == null) {
      Map<String, byte[]> blobs = new HashMap<>();
      try (InputStream in = Files.newInputStream(Busybox.ARCHIVE);
          TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
          if (entry.isFile() && entry.getSize() < 100_000) {
            blobs.put(entry.getName().replaceFirst("^\\./", ""), tar.readAllBytes());
          }
        }
        JsonNode index = JSON.readTree(blobs.get("index.json"));
        String manifest = index.get("manifests").get(0).get("digest").asText();
        JsonNode m = JSON.readTree(blobs.get("blobs/sha256/" + manifest.substring(7)));
        String config = m.get("config").get("digest").asText();
        baseConfig =
            JSON.readValue(blobs.get("blobs/sha256/" + config.substring(7)), ImageConfig.class);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return baseConfig;
  }
}
