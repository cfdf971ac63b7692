package dev.slipway.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.engine.graph.SourceOp;
import dev.slipway.engine.graph.VertexInfo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real {@code python3 -m http.server} on 127.0.0.1, started and stopped here. */
class HttpSourceFetcherTest {

  @Test
  void aDownloadsProgressNameKeepsNoCredentialQueryOrFragmentOfItsUrl() {
    assertThat(
            HttpSourceFetcher.transferName(
                java.net.URI.create(
                    "https://robot:s3cret@files.example.com:8443/dl/app.tgz?token=t0k#frag")))
        .isEqualTo("https://files.example.com:8443/dl/app.tgz");
  }

  @TempDir static Path served;
  private static Process server;
  private static int port;

  @TempDir Path into;

  @BeforeAll
  static void startServer() throws Exception {
    Files.writeString(served.resolve("remote.txt"), "remote content\n");
    Files.createDirectories(served.resolve("dir"));
    Files.writeString(served.resolve("dir/other.txt"), "other\n");
    Files.setLastModifiedTime(
        served.resolve("remote.txt"), FileTime.fromMillis(1_000_000_000_000L));
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    server =
        new ProcessBuilder(
                "python3", "-m", "http.server", "--bind", "127.0.0.1", String.valueOf(port))
            .directory(served.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException("python3 http.server did not start", e);
        }
        Thread.sleep(50);
      }
    }
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  private final HttpSourceFetcher fetcher = new HttpSourceFetcher(1L << 30);

  @AfterEach
  void closeTheFetcher() {
    fetcher.close();
  }

  private HttpSourceFetcher fetcher() {
    return fetcher;
  }

  private static SourceOp.Http http(String path, String checksum, String filename, Integer mode) {
    return new SourceOp.Http(
        "http://127.0.0.1:" + port + path, checksum, filename, mode, VertexInfo.named("http"));
  }

  /** golden add-url: 0600, named after the URL, mtime from Last-Modified. */
  @Test
  void downloadsWithUrlNameMode0600AndLastModified() throws Exception {
    Path f = fetcher().fetch(http("/remote.txt", null, null, null), into).file();
    assertThat(f.getFileName()).hasToString("remote.txt");
    assertThat(Files.readString(f)).isEqualTo("remote content\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(Files.getLastModifiedTime(f).toMillis()).isEqualTo(1_000_000_000_000L);
    try (var s = Files.list(into)) {
      assertThat(s.toList()).as("no temporary file left").hasSize(1);
    }
  }

  @Test
  void explicitNameAndChmodWin() throws Exception {
    Path f = fetcher().fetch(http("/dir/other.txt", null, "renamed.txt", 0755), into).file();
    assertThat(f.getFileName()).hasToString("renamed.txt");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rwxr-xr-x");
  }

  @Test
  void checksumIsVerified() throws Exception {
    String good = "sha256:b07a6fcd5ce6b1ee1a4c2a9b8ac4e8f1e1d9e1c5f6a7b8c9d0e1f2a3b4c5d6e7";
    assertThatThrownBy(() -> fetcher().fetch(http("/remote.txt", good, null, null), into))
        .isInstanceOf(SourceFetchException.class)
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("sha256:");
    try (var s = Files.list(into)) {
      assertThat(s.toList()).as("nothing kept from a mismatched download").isEmpty();
    }
    String actual =
        "sha256:"
            + java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest("remote content\n".getBytes()));
    Path f = fetcher().fetch(http("/remote.txt", actual, null, null), into).file();
    assertThat(Files.readString(f)).isEqualTo("remote content\n");
  }

  @Test
  void errorStatusIsReportedWithoutCredentials() {
    SourceOp.Http missing =
        new SourceOp.Http(
            "http://user:s3cret@127.0.0.1:" + port + "/missing.txt",
            null,
            null,
            null,
            VertexInfo.named("http"));
    assertThatThrownBy(() -> fetcher().fetch(missing, into))
        .isInstanceOf(SourceFetchException.class)
        .hasMessageContaining("404")
        .hasMessageNotContaining("s3cret");
  }

  /** An engine's exit does not wait for the HTTP client's selector thread (300 ms each). */
  @Test
  void closingStopsTheClientsThreads() throws Exception {
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    HttpSourceFetcher own = new HttpSourceFetcher(1L << 30);
    own.fetch(http("/remote.txt", null, null, null), into);
    java.util.List<Thread> started =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> !before.contains(t) && t.getName().startsWith("HttpClient-"))
            .toList();
    assertThat(started).as("the client's threads").isNotEmpty();
    own.close();
    for (Thread t : started) {
      t.join(5000);
      assertThat(t.isAlive()).as(t.getName() + " after close").isFalse();
    }
    assertThatThrownBy(() -> own.fetch(http("/remote.txt", null, null, null), into))
        .isInstanceOf(SourceFetchException.class)
        .hasMessageContaining("shutting down");
  }
}
