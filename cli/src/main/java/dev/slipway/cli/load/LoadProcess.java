package dev.slipway.cli.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a container engine's client (docker load, ctr import) with a deadline. Its output goes to a
 * file, not a pipe: reading a pipe to its end would wait for the client however long it hangs.
 */
final class LoadProcess {
  private static final int OUTPUT_LIMIT = 4096;

  private LoadProcess() {}

  /** Runs {@code command}; killed after {@code timeout}; its output is a failure's message. */
  static void run(List<String> command, Duration timeout, String into) throws IOException {
    Path output = Files.createTempFile("slipway-load-", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
      pb.redirectErrorStream(true);
      pb.redirectOutput(output.toFile());
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new IOException(
            "cannot run "
                + command.get(0)
                + " to load the image into "
                + into
                + ": "
                + e.getMessage(),
            e);
      }
      p.getOutputStream().close();
      try {
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          kill(p);
          throw new IOException(
              "loading the image into "
                  + into
                  + " did not finish within "
                  + timeout.toSeconds()
                  + " s; "
                  + command.get(0)
                  + " was stopped");
        }
      } catch (InterruptedException e) {
        kill(p);
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while loading the image into " + into);
      }
      if (p.exitValue() != 0) {
        String said = Files.readString(output, StandardCharsets.UTF_8).strip();
        if (said.length() > OUTPUT_LIMIT) {
          said = "…" + said.substring(said.length() - OUTPUT_LIMIT);
        }
        throw new IOException("loading the image into " + into + " failed: " + said);
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      // reaped before the caller goes on, so nothing of the client is left behind
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
