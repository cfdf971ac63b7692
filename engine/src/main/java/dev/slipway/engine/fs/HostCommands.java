package dev.slipway.engine.fs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the few system tools the snapshotter needs (mount, umount, cp, mknod, getfattr, setfattr):
 * Java has no API for mounts, device nodes or non-{@code user.*} extended attributes.
 */
public final class HostCommands {

  private static final List<Path> SYSTEM_DIRS =
      List.of(Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

  private HostCommands() {}

  /** The output of a finished command. */
  public record Result(int exitCode, byte[] stdout, String stderr) {}

  /** Finds an executable on PATH or in the usual system directories. */
  public static Optional<Path> find(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Optional.of(Path.of(dir, name));
      }
    }
    return SYSTEM_DIRS.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
  }

  public static Path require(String name, String debianPackage) throws IOException {
    return find(name)
        .orElseThrow(
            () ->
                new IOException(
                    "the snapshotter needs the \""
                        + name
                        + "\" command, which is not on PATH; install it (Debian package \""
                        + debianPackage
                        + "\")"));
  }

  /** Runs a command and fails with its stderr if it exits non-zero. */
  public static byte[] run(Path workingDir, List<String> argv, byte[] stdin) throws IOException {
    Result result = execute(workingDir, argv, stdin);
    if (result.exitCode() != 0) {
      throw new IOException(
          "command "
              + String.join(" ", argv)
              + " failed with exit code "
              + result.exitCode()
              + (workingDir == null ? "" : " in " + workingDir)
              + ": "
              + result.stderr().strip());
    }
    return result.stdout();
  }

  public static Result execute(Path workingDir, List<String> argv, byte[] stdin)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    if (workingDir != null) {
      builder.directory(workingDir.toFile());
    }
    builder.environment().put("LC_ALL", "C");
    Process process = builder.start();
    // Drain both pipes concurrently so a chatty command cannot block on a full pipe.
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    try {
      int code = process.waitFor();
      return new Result(code, out.join(), new String(err.join(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", argv), e);
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          ByteArrayOutputStream buffer = new ByteArrayOutputStream();
          try (stream) {
            stream.transferTo(buffer);
          } catch (IOException e) {
            // The process died; what was read so far is all there is.
          }
          return buffer.toByteArray();
        },
        Thread::startVirtualThread);
  }
}
