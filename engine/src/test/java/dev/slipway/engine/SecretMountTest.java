package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.TestBuild.Recorded;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.session.LocalSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret mounted into a RUN step is readable there and nowhere else: not in any layer, the image
 * config, the history, the progress events, nor the engine's state directory.
 */
class SecretMountTest {
  @TempDir Path state;
  @TempDir Path context;
  @TempDir Path secrets;
  @TempDir Path out;

  @Test
  void secretIsReadableInTheStepAndAbsentFromTheImageAndTheLogs() throws Exception {
    String secret = "s3cr3t-" + UUID.randomUUID();
    Path secretFile = secrets.resolve("token");
    Files.writeString(secretFile, secret);
    Files.writeString(
        context.resolve("Dockerfile"),
        """
        FROM 127.0.0.1:5000/busybox:latest
        RUN --mount=type=secret,id=token sha256sum /run/secrets/token | cut -d' ' -f1 > /token.sha256 \\
            && echo "hashed $(wc -c < /run/secrets/token) bytes"
        """);
    Path archive = out.resolve("image.oci.tar");
    Recorded build;
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        LocalSession session =
            LocalSession.builder()
                .context("context", context)
                .secretFile("token", secretFile)
                .build()) {
      build =
          TestBuild.run(
              engine,
              session,
              TestBuild.request().addSecretIds("token").addOutputs(TestBuild.oci(archive)).build());
    }

    List<byte[]> blobs = archiveEntriesDecompressed(Files.readAllBytes(archive));
    String expectedHash = Digest.of(secret.getBytes(StandardCharsets.UTF_8)).hex();
    assertThat(blobs.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)))
        .as("the step read the secret: its hash is in a layer")
        .anyMatch(text -> text.contains(expectedHash));
    assertThat(new String(build.events().bytes(), StandardCharsets.UTF_8))
        .contains("hashed " + secret.length() + " bytes");

    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    assertThat(indexOf(Files.readAllBytes(archive), needle)).isEqualTo(-1);
    for (byte[] blob : blobs) {
      assertThat(indexOf(blob, needle)).as("a layer, config or manifest").isEqualTo(-1);
    }
    assertThat(indexOf(build.events().bytes(), needle)).as("progress events").isEqualTo(-1);
    for (Path file : regularFiles(state)) {
      assertThat(indexOf(Files.readAllBytes(file), needle)).as(file.toString()).isEqualTo(-1);
    }
  }

  /** Every entry of the archive, and every blob in it decompressed when it is gzip. */
  private static List<byte[]> archiveEntriesDecompressed(byte[] archive) throws IOException {
    List<byte[]> contents = new ArrayList<>();
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new java.io.ByteArrayInputStream(archive))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (!entry.isFile()) {
          continue;
        }
        byte[] content = tar.readAllBytes();
        contents.add(content);
        if (content.length > 2 && (content[0] & 0xff) == 0x1f && (content[1] & 0xff) == 0x8b) {
          try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(content))) {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            gz.transferTo(plain);
            contents.add(plain.toByteArray());
          }
        }
      }
    }
    assertThat(contents).hasSizeGreaterThan(4);
    return contents;
  }

  private static List<Path> regularFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
