package dev.slipway.operator.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real {@code git daemon} on 127.0.0.1 serving every repository under a directory. */
public final class GitDaemon implements AutoCloseable {

  private final Process process;
  private final int port;

  private GitDaemon(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static GitDaemon serve(Path base) throws IOException, InterruptedException {
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
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return new GitDaemon(process, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new IOException("git daemon did not start on 127.0.0.1:" + port);
  }

  /** The git:// URL of {@code repository} (a path under the served directory). */
  public String url(String repository) {
    return "git://127.0.0.1:" + port + "/" + repository;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
