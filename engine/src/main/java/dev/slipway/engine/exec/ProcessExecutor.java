package dev.slipway.engine.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.confined.RootedPaths;
import dev.slipway.engine.fs.FileTrees;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs RUN steps as containers of an OCI runtime, one {@code run --bundle} per step.
 *
 * <p>Everything it creates lives in its work directory, which should be on tmpfs: the runtime's
 * state ({@code --root}, so {@link #recover()} touches only our containers) and one bundle per run
 * holding {@code config.json}, the generated hosts/resolv.conf files and secret files. A run
 * removes its bundle and container however it ends; after a crash of the engine {@link #recover()}
 * removes what the dead process left. Containers need no host mounts of ours, so no mount can
 * outlive them.
 */
public final class ProcessExecutor {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final OciRuntime runtime;
  private final Path runtimeRoot;
  private final Path bundles;
  private final boolean onTmpfs;

  public ProcessExecutor(OciRuntime runtime, Path workDir) {
    this.runtime = runtime;
    this.runtimeRoot = workDir.resolve("runtime");
    this.bundles = workDir.resolve("bundles");
    try {
      for (Path dir : List.of(workDir, runtimeRoot, bundles)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new ExecException("cannot create the executor's work directory " + workDir + ": " + e);
    }
    this.onTmpfs = HostMounts.fileSystemType(workDir).equals("tmpfs");
  }

  /**
   * A tmpfs work directory that is the same for the same engine state directory, so a restarted
   * engine finds (and recovers) what its predecessor left.
   */
  public static Path defaultWorkDir(Path stateDir) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(stateDir.toAbsolutePath().normalize().toString().getBytes(UTF8));
      return Path.of("/dev/shm", "slipway-exec-" + HexFormat.of().formatHex(digest, 0, 6));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public OciRuntime runtime() {
    return runtime;
  }

  /**
   * Runs the step and waits for it. Output reaches {@code logs} while the process runs. A non-zero
   * exit is a result, not an exception.
   *
   * @throws ExecCancelledException when cancelled, timed out or interrupted (after cleaning up)
   * @throws ExecException when the step could not be started
   */
  public ExecResult run(ExecSpec spec, LogSink logs, CancellationToken cancel) {
    Path rootfs = realRootfs(spec.rootfs());
    ResolvedUser user = UserResolver.resolve(rootfs, spec.user());
    createWorkingDirectory(rootfs, spec.cwd());

    String id = "slipway-" + HexFormat.of().formatHex(randomBytes());
    Path bundle = bundles.resolve(id);
    ExecSandbox sandbox = new ExecSandbox(rootfs);
    long start = System.nanoTime();
    Process process = null;
    try {
      Files.createDirectory(bundle);
      sandbox.prepare(spec, bundle);
      if (sandbox.holdsSecrets() && !onTmpfs) {
        throw new ExecException(
            "refusing to write secrets for "
                + spec.args()
                + " outside tmpfs: the executor's work directory "
                + bundles.getParent()
                + " is not on tmpfs; configure a work directory under /dev/shm or /run");
      }
      byte[] config =
          new RuntimeSpecBuilder(spec)
              .rootfs(rootfs)
              .user(user)
              .mounts(sandbox.mounts())
              .extraEnv(sandbox.extraEnv())
              .cgroupsPath("/slipway/" + id)
              .toJson();
      Files.write(bundle.resolve("config.json"), config);

      List<String> command = new ArrayList<>(globalArgs());
      command.addAll(List.of("--log", bundle.resolve("runtime.log").toString()));
      command.addAll(List.of("--log-format", "json", "run", "--bundle", bundle.toString()));
      if (runtime.noPivotRoot()) {
        command.add("--no-pivot");
      }
      command.add(id);
      process =
          new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
      Thread out = pump(process.getInputStream(), LogStream.STDOUT, logs, id);
      Thread err = pump(process.getErrorStream(), LogStream.STDERR, logs, id);

      String stopReason = waitFor(process, id, spec.timeout(), start, cancel);
      int exit = process.exitValue();
      sandbox.deleteSecrets();
      joinQuietly(out);
      joinQuietly(err);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      if (stopReason != null) {
        throw new ExecCancelledException(
            "RUN " + spec.args() + " was stopped after " + took.toMillis() + " ms: " + stopReason);
      }
      List<String> runtimeErrors = runtimeErrors(bundle.resolve("runtime.log"));
      if (exit != 0 && !runtimeErrors.isEmpty()) {
        throw new ExecException(
            runtime.name()
                + " could not run "
                + spec.args()
                + " (container "
                + id
                + "): "
                + String.join("; ", runtimeErrors));
      }
      return new ExecResult(exit, took, sandbox.stubs().created());
    } catch (IOException e) {
      throw new ExecException(
          "cannot run " + spec.args() + " with " + runtime.name() + ": " + e, e);
    } finally {
      cleanUp(id, process, sandbox, bundle);
    }
  }

  /**
   * Removes containers and bundles that a previous engine process left behind (after kill -9). Call
   * it at start-up, before any run of this work directory starts.
   *
   * @return the ids of the containers it removed
   */
  public List<String> recover() {
    List<String> ids = new ArrayList<>();
    String listing = control(List.of("list", "-q"), true);
    for (String line : listing.lines().map(String::strip).toList()) {
      if (line.startsWith("slipway-")) {
        control(List.of("kill", line, "KILL"), false);
        control(List.of("delete", "-f", line), false);
        ids.add(line);
      }
    }
    try (var stale = Files.list(bundles)) {
      for (Path b : stale.toList()) {
        FileTrees.deleteRecursively(b);
      }
    } catch (IOException e) {
      throw new ExecException("cannot remove stale bundles in " + bundles + ": " + e, e);
    }
    return ids;
  }

  /** Waits for the runtime to exit; returns why it was stopped early, or null. */
  private String waitFor(
      Process process, String id, Duration timeout, long start, CancellationToken cancel) {
    String reason = null;
    boolean interrupted = false;
    while (true) {
      try {
        if (process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (reason == null) {
        if (interrupted) {
          reason = "the build thread was interrupted";
        } else if (cancel.isCancelled()) {
          reason = "cancelled (" + cancel.reason() + ")";
        } else if (timeout != null && System.nanoTime() - start > timeout.toNanos()) {
          reason = "timed out after " + timeout;
        }
      }
      // Repeated until the runtime exits: a kill sent while it is still creating the container
      // finds nothing to kill.
      if (reason != null) {
        control(List.of("kill", id, "KILL"), false);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return reason;
  }

  private void cleanUp(String id, Process process, ExecSandbox sandbox, Path bundle) {
    if (process != null && process.isAlive()) {
      control(List.of("kill", id, "KILL"), false);
      process.destroyForcibly();
      try {
        process.waitFor(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (process != null) {
      // `run` deletes the container when it exits normally; this covers the other ways out.
      control(List.of("delete", "-f", id), false);
    }
    sandbox.deleteSecrets();
    try {
      FileTrees.deleteRecursively(bundle);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove bundle " + bundle, e);
    }
  }

  private List<String> globalArgs() {
    return List.of(runtime.executable().toString(), "--root", runtimeRoot.toString());
  }

  /** Runs a short runtime command; output and exit status matter only when {@code check}. */
  private String control(List<String> args, boolean check) {
    List<String> command = new ArrayList<>(globalArgs());
    command.addAll(args);
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new ExecException(String.join(" ", command) + " did not finish within 30s");
      }
      if (check && p.exitValue() != 0) {
        throw new ExecException(
            String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
      }
      return out;
    } catch (IOException e) {
      throw new ExecException("cannot start " + runtime.executable() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecException("interrupted while running " + String.join(" ", command), e);
    }
  }

  private static Thread pump(InputStream in, LogStream stream, LogSink logs, String id) {
    return Thread.ofPlatform()
        .name(id + "-" + stream.name().toLowerCase())
        .daemon()
        .start(
            () -> {
              byte[] buf = new byte[32 * 1024];
              boolean deliver = true;
              try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  if (deliver) {
                    try {
                      logs.write(stream, Arrays.copyOf(buf, n));
                    } catch (RuntimeException e) {
                      // A broken sink must not block the process on a full pipe: keep draining.
                      deliver = false;
                    }
                  }
                }
              } catch (IOException e) {
                // The pipe closes when the runtime is killed; nothing more to read.
              }
            });
  }

  private static void joinQuietly(Thread t) {
    try {
      t.join(CONTROL_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Error entries of the runtime's JSON log: why it could not create or start the container. */
  private static List<String> runtimeErrors(Path log) throws IOException {
    if (!Files.exists(log)) {
      return List.of();
    }
    List<String> errors = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      try {
        JsonNode entry = JSON.readTree(line);
        if (entry != null && "error".equals(entry.path("level").asText())) {
          errors.add(entry.path("msg").asText());
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        if (!line.isBlank()) {
          errors.add(line.strip());
        }
      }
    }
    return errors;
  }

  private static Path realRootfs(Path rootfs) {
    try {
      Path real = rootfs.toRealPath();
      if (!Files.isDirectory(real)) {
        throw new ExecException("root filesystem " + rootfs + " is not a directory");
      }
      return real;
    } catch (IOException e) {
      throw new ExecException("root filesystem " + rootfs + " is not accessible: " + e, e);
    }
  }

  /** Like BuildKit, a missing working directory is created (root-owned, 0755) and kept. */
  private static void createWorkingDirectory(Path rootfs, String cwd) {
    try {
      Files.createDirectories(RootedPaths.resolve(rootfs, cwd));
    } catch (IOException e) {
      throw new ExecException(
          "cannot create working directory " + cwd + " in " + rootfs + ": " + e);
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return b;
  }

  private static final File DEV_NULL = new File("/dev/null");
  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;
}
