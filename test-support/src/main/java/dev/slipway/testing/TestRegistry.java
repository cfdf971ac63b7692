package dev.slipway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Debian's {@code docker-registry} (the distribution registry) on 127.0.0.1 and a random port,
 * storing under a test directory, optionally behind htpasswd or another auth section. Its access
 * log is kept so that tests can count the requests it served. {@link #restart()} keeps port and
 * storage.
 */
public final class TestRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private final Path dir;
  private final int port;
  private final Path config;
  private final Path log;
  private Process process;

  private TestRegistry(Path dir, String authYaml) throws IOException {
    this.dir = dir;
    this.port = freePort();
    this.config = dir.resolve("config.yml");
    this.log = dir.resolve("registry.log");
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(
        config,
        """
        version: 0.1
        log:
          level: info
          accesslog:
            disabled: false
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
        http:
          addr: 127.0.0.1:%d
          secret: slipway-test-secret
        %s
        """
            .formatted(dir.resolve("data"), port, authYaml));
  }

  public static TestRegistry anonymous(Path dir) throws IOException {
    return new TestRegistry(dir, "").start();
  }

  /**
   * Whether the registry binary is here; callers skip without it ({@code assumeTrue}). The skip is
   * loud, and under CI (environment variable {@code CI} set) missing it is an error: CI must not
   * skip the registry's tests.
   */
  public static boolean available() {
    if (Files.isExecutable(BINARY)) {
      return true;
    }
    String missing =
        BINARY + " is missing: install Debian's docker-registry package (.ci/setup does)";
    if (System.getenv("CI") != null) {
      throw new IllegalStateException(missing + "; CI must not skip the registry's tests");
    }
    System.err.println("WARNING: SKIPPING registry tests: " + missing);
    return false;
  }

  /** Basic auth against an htpasswd file with one user. */
  public static TestRegistry htpasswd(Path dir, String user, String password) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("htpasswd");
    Files.writeString(file, Htpasswd.line(user, password) + "\n");
    return new TestRegistry(
            dir,
            """
            auth:
              htpasswd:
                realm: slipway-test
                path: %s
            """
                .formatted(file))
        .start();
  }

  /** A registry with {@code authYaml} as its config's {@code auth:} section (e.g. token auth). */
  public static TestRegistry withAuth(Path dir, String authYaml) throws IOException {
    return new TestRegistry(dir, authYaml).start();
  }

  public String host() {
    return "127.0.0.1:" + port;
  }

  public Path storage() {
    return dir.resolve("data");
  }

  private TestRegistry start() throws IOException {
    process =
        new ProcessBuilder(BINARY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + host() + "/v2/"))
                .timeout(Duration.ofSeconds(1))
                .build(),
            HttpResponse.BodyHandlers.discarding());
        return this;
      } catch (IOException e) {
        if (!process.isAlive()) {
          break;
        }
        sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    close();
    throw new IOException("the test registry did not start: " + Files.readString(log));
  }

  /** Kills the registry (as a crash would) and starts it again on the same port and storage. */
  public void restart() throws IOException {
    stop();
    start();
  }

  public void stop() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Access-log lines of requests whose request line matches {@code pattern}. */
  public long requests(String pattern) throws IOException {
    Pattern p = Pattern.compile("\"" + pattern);
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return lines.stream().filter(l -> l.contains("HTTP/1.1\"") && p.matcher(l).find()).count();
  }

  @Override
  public void close() {
    stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
