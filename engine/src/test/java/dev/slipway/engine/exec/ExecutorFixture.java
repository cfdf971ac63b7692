package dev.slipway.engine.exec;

import dev.slipway.engine.fs.FileTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ProcessExecutor tests share: a busybox-static rootfs, an executor on the host's OCI
 * runtime with its work directory on /dev/shm, and the output of the last run.
 */
abstract class ExecutorFixture {

  @TempDir Path temp;
  Path rootfs;
  Path workDir;
  ProcessExecutor executor;
  Captured logs = new Captured();

  @BeforeEach
  void setUpExecutor() throws IOException {
    rootfs = BusyboxRootfs.create(temp);
    workDir = Path.of("/dev/shm", "slipway-exec-test-" + System.nanoTime());
    executor = new ProcessExecutor(OciRuntime.detect(), workDir);
  }

  @AfterEach
  void tearDownExecutor() throws IOException {
    executor.recover();
    FileTrees.deleteRecursively(workDir);
  }

  /** Collects each stream's bytes in arrival order. */
  static final class Captured implements LogSink {
    final Map<LogStream, ByteArrayOutputStream> streams = new EnumMap<>(LogStream.class);

    @Override
    public synchronized void write(LogStream stream, byte[] chunk) {
      streams.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).writeBytes(chunk);
    }

    synchronized String text(LogStream stream) {
      ByteArrayOutputStream out = streams.get(stream);
      return out == null ? "" : out.toString(StandardCharsets.UTF_8);
    }
  }

  ExecResult run(ExecSpec spec) {
    logs = new Captured();
    return executor.run(spec, logs, CancellationToken.none());
  }

  ExecSpec.Builder sh(String script) {
    return ExecSpec.builder(rootfs, List.of("/bin/sh", "-c", script));
  }

  String stdout() {
    return logs.text(LogStream.STDOUT);
  }

  String stderr() {
    return logs.text(LogStream.STDERR);
  }
}
