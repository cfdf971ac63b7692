package dev.slipway.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code git daemon} on 127.0.0.1 serving bare repositories that {@link #publish} creates;
 * builder pods in the node's network clone from it.
 */
public final class GitServer implements AutoCloseable {

  private final Process process;
  private final Path base;
  private final int port;

  private GitServer(Process process, Path base, int port) {
    this.process = process;
    this.base = base;
    this.port = port;
  }

  public static GitServer start(Path base) throws IOException, InterruptedException {
    Files.createDirectories(base);
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    Process process =
        new ProcessBuilder(
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--listen=127.0.0.1",
                "--port=" + port,
                "--base-path=" + base,
                base.toString())
            .redirectErrorStream(true)
            .redirectOutput(base.resolveSibling("git-daemon.log").toFile())
            .start();
    for (int i = 0; i < 200 && process.isAlive(); i++) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return new GitServer(process, base, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new IOException("git daemon did not start on 127.0.0.1:" + port);
  }

  /** Commits {@code files} on branch main of a new bare repository; returns its git:// URL. */
  public String publish(String name, Map<String, String> files) throws IOException {
    Path checkout = Files.createDirectories(base.resolveSibling("checkouts").resolve(name));
    for (var file : files.entrySet()) {
      Files.writeString(checkout.resolve(file.getKey()), file.getValue());
    }
    git(checkout, "init", "-q", "-b", "main");
    git(checkout, "add", ".");
    git(
        checkout,
        "-c",
        "user.name=e2e",
        "-c",
        "user.email=e2e@slipway.invalid",
        "commit",
        "-qm",
        "e2e");
    git(checkout, "clone", "-q", "--bare", ".", base.resolve(name + ".git").toString());
    return "git://127.0.0.1:" + port + "/" + name + ".git";
  }

  private static void git(Path dir, String... args) {
    var command = new java.util.ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    Commands.run(command, Map.of(), null, Duration.ofSeconds(60), dir).requireSuccess();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
