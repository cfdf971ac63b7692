package dev.slipway.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code git daemon} on 127.0.0.1 serving the bare repositories that {@link #publish}
 * creates, as a Git server that builds clone from over {@code git://}.
 */
public final class GitDaemon implements AutoCloseable {

  private final Process process;
  private final Path dir;
  private final int port;

  private GitDaemon(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts the daemon on a free port; its repositories, their checkouts and its log ({@code
   * git-daemon.log}) go under {@code dir}.
   */
  public static GitDaemon start(Path dir) throws IOException, InterruptedException {
    Path repositories = Files.createDirectories(dir.resolve("repositories"));
    Path log = dir.resolve("git-daemon.log");
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
                "--base-path=" + repositories,
                repositories.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    for (int i = 0; i < 200 && process.isAlive(); i++) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return new GitDaemon(process, dir, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly().waitFor();
    throw new IOException(
        "git daemon did not start on 127.0.0.1:" + port + "; its log:\n" + Files.readString(log));
  }

  /**
   * Commits {@code files} (relative path to content) on branch main of a new bare repository {@code
   * name}.git; returns its {@code git://} URL.
   */
  public String publish(String name, Map<String, String> files)
      throws IOException, InterruptedException {
    Path checkout = Files.createDirectories(dir.resolve("checkouts").resolve(name));
    for (var file : files.entrySet()) {
      Path target = checkout.resolve(file.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue());
    }
    git(checkout, "init", "-q", "-b", "main");
    git(checkout, "add", ".");
    git(
        checkout,
        "-c",
        "user.name=slipway-test",
        "-c",
        "user.email=test@slipway.invalid",
        "commit",
        "-q",
        "-m",
        name);
    git(
        checkout,
        "clone",
        "-q",
        "--bare",
        ".",
        dir.resolve("repositories/" + name + ".git").toString());
    return "git://127.0.0.1:" + port + "/" + name + ".git";
  }

  /** Runs git in {@code dir}; a refusal is an IOException with git's message. */
  private static void git(Path dir, String... args) throws IOException {
    Command.Result git = Command.of("git", args).in(dir).timeout(Duration.ofSeconds(60)).run();
    if (!git.succeeded()) {
      throw new IOException(git + "\nin " + dir);
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
