package dev.slipway.engine.solver;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.exec.CancellationToken;
import dev.slipway.engine.exec.ClippedLogSink;
import dev.slipway.engine.exec.Emulation;
import dev.slipway.engine.exec.ExecCancelledException;
import dev.slipway.engine.exec.ExecException;
import dev.slipway.engine.exec.ExecMount;
import dev.slipway.engine.exec.ExecResult;
import dev.slipway.engine.exec.ExecSpec;
import dev.slipway.engine.exec.LogSink;
import dev.slipway.engine.exec.LogStream;
import dev.slipway.engine.exec.MountStubs;
import dev.slipway.engine.exec.NetworkMode;
import dev.slipway.engine.exec.ProcessExecutor;
import dev.slipway.engine.graph.ExecOp;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.snapshot.ActiveSnapshot;
import dev.slipway.engine.snapshot.SnapshotView;
import dev.slipway.engine.snapshot.Snapshotter;
import dev.slipway.session.SessionException;
import dev.slipway.session.auth.Principals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * RUN: prepares a writable snapshot of the step's root filesystem, mounts what {@code RUN --mount}
 * asks for, runs the command in the OCI runtime while streaming its output as progress, and commits
 * the result — or reports the exit code with the step's last lines.
 */
final class ExecRunner implements OpRunner<ExecOp> {
  private static final int LAST_LINES = 10;

  /** The most of one line an error report keeps: output without newlines must not pile up. */
  private static final int LAST_LINE_CHARS = 4096;

  private final Snapshotter snapshots;
  private final ProcessExecutor executor;
  private final CacheMounts cacheMounts;
  private final long maxLogBytesPerStep;

  ExecRunner(
      Snapshotter snapshots,
      ProcessExecutor executor,
      CacheMounts cacheMounts,
      long maxLogBytesPerStep) {
    this.snapshots = snapshots;
    this.executor = executor;
    this.cacheMounts = cacheMounts;
    this.maxLogBytesPerStep = maxLogBytesPerStep;
  }

  /**
   * A RUN for another architecture needs the kernel to hand its programs to QEMU; without a handler
   * it would fail with a bare "exec format error", so say what is missing before anything runs.
   */
  private static void refuseForeignWithoutEmulation(ExecOp v) throws BuildFailedException {
    Platform platform = v.platform();
    if (platform == null || Emulation.runs(platform)) {
      return;
    }
    throw new BuildFailedException(
        BuildError.newBuilder()
            .setKind(ErrorKind.ERROR_KIND_STEP_FAILED)
            .setMessage(
                "cannot run \""
                    + String.join(" ", v.args())
                    + "\" for "
                    + platform
                    + " on this "
                    + Platform.host()
                    + " builder: exec format error running an "
                    + platform.architecture()
                    + " binary. Register QEMU user emulation for "
                    + platform.architecture()
                    + " on the builder's machine (qemu-user-static and its binfmt_misc handlers"
                    + " with the F flag, e.g. Debian's package), or build "
                    + platform
                    + " on a builder of that architecture")
            .setVertexId(v.cacheKey().toString())
            .build());
  }

  @Override
  public SolvedVertex execute(ExecOp v, List<SolvedVertex> inputs, String key, SolveJob job)
      throws BuildFailedException, IOException {
    refuseForeignWithoutEmulation(v);
    SolvedVertex rootfs = inputs.get(0);
    List<AutoCloseable> resources = new ArrayList<>();
    ActiveSnapshot active = snapshots.prepare("exec-" + UUID.randomUUID(), rootfs.snapshotKey());
    boolean committed = false;
    LastLines lastLines = new LastLines();
    try {
      ExecSpec.Builder spec =
          ExecSpec.builder(active.rootfs(), v.args())
              .env(v.env())
              .cwd(v.cwd() == null || v.cwd().isEmpty() ? "/" : v.cwd())
              .user(v.user() == null || v.user().isEmpty() ? "root" : v.user())
              .network(network(v, job))
              // the frontend lets INSECURE through only with the security.insecure entitlement
              .privileged(v.security() == ExecOp.SecurityMode.INSECURE)
              .limits(v.limits());
      v.extraHosts().forEach(spec::extraHost);
      for (ExecOp.Mount m : v.mounts()) {
        mount(m, v, inputs, job, resources).ifPresent(spec::mount);
      }
      CancellationToken token = new CancellationToken();
      // The build's log gets the step's output up to the limit; the last lines of an error come
      // from all of it.
      LogSink log =
          new ClippedLogSink(
              (stream, chunk) -> job.progress().log(v, stream == LogStream.STDERR, chunk),
              maxLogBytesPerStep);
      ExecResult result;
      try (AutoCloseable unregister =
          job.cancellation().onCancel(() -> token.cancel(job.cancellation().reason()))) {
        result =
            executor.run(
                spec.build(),
                (stream, chunk) -> {
                  lastLines.add(chunk);
                  log.write(stream, chunk);
                },
                token);
      } catch (ExecCancelledException e) {
        throw BuildFailedException.cancelled(e.getMessage());
      } catch (ExecException e) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_INTERNAL, "cannot run the step: " + e.getMessage());
      } catch (BuildFailedException | IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
      if (!result.succeeded()) {
        throw new BuildFailedException(
            BuildError.newBuilder()
                .setKind(ErrorKind.ERROR_KIND_STEP_FAILED)
                .setMessage(
                    "process \""
                        + String.join(" ", v.args())
                        + "\" did not complete successfully: exit code: "
                        + result.exitCode())
                .setExitCode(result.exitCode())
                .addAllLastLogLines(lastLines.lines())
                .setVertexId(v.cacheKey().toString())
                .build());
      }
      MountStubs.remove(active.rootfs(), result.createdStubs());
      snapshots.commit(active, OpRunner.snapshotKey(key));
      committed = true;
      return new SolvedVertex(key, OpRunner.snapshotKey(key), null, false);
    } finally {
      for (AutoCloseable r : resources.reversed()) {
        try {
          r.close();
        } catch (Exception e) {
          // keep releasing the rest; the step's own outcome is what the user needs to see
        }
      }
      if (!committed) {
        active.close();
      }
    }
  }

  private static NetworkMode network(ExecOp v, SolveJob job) {
    return v.network() == NetworkMode.DEFAULT ? job.defaultNetwork() : v.network();
  }

  private Optional<ExecMount> mount(
      ExecOp.Mount m,
      ExecOp v,
      List<SolvedVertex> inputs,
      SolveJob job,
      List<AutoCloseable> resources)
      throws BuildFailedException, IOException {
    switch (m.type()) {
      case BIND -> {
        SolvedVertex source = inputOf(m.source(), v, inputs);
        if (m.readonly()) {
          SnapshotView view = snapshots.view(source.snapshotKey());
          resources.add(view);
          return Optional.of(
              new ExecMount.Bind(view.rootfs(), subpath(m.sourcePath()), m.target(), false));
        }
        // A writable bind gets a throwaway copy: writes must not reach the source's result.
        ActiveSnapshot scratch =
            snapshots.prepare("bind-" + UUID.randomUUID(), source.snapshotKey());
        resources.add(scratch);
        return Optional.of(
            new ExecMount.Bind(scratch.rootfs(), subpath(m.sourcePath()), m.target(), true));
      }
      case CACHE -> {
        String id = m.cacheId() == null || m.cacheId().isEmpty() ? m.target() : m.cacheId();
        SolvedVertex seed = m.source() == null ? null : inputOf(m.source(), v, inputs);
        if (seed != null) {
          id = CacheSeed.id(id, seed.snapshotKey(), subpath(m.sourcePath()));
        }
        CacheMounts.Lease lease =
            cacheMounts.acquire(
                Principals.tenant(job.session().ownerKey()), id, m.sharing(), job.lease());
        resources.add(lease);
        if (seed != null) {
          try (SnapshotView view = snapshots.view(seed.snapshotKey())) {
            CacheSeed.seedIfNew(lease.directory(), view.rootfs(), subpath(m.sourcePath()));
          }
        }
        return Optional.of(
            new ExecMount.Cache(
                lease.directory(),
                m.target(),
                m.uid() == null ? 0 : m.uid(),
                m.gid() == null ? 0 : m.gid(),
                m.mode() == null ? 0755 : m.mode(),
                m.readonly()));
      }
      case TMPFS -> {
        return Optional.of(new ExecMount.Tmpfs(m.target(), m.sizeBytes()));
      }
      case SECRET -> {
        Optional<byte[]> value = secret(m.id(), job);
        if (value.isEmpty()) {
          if (m.required()) {
            throw BuildFailedException.of(
                ErrorKind.ERROR_KIND_SESSION,
                "secret "
                    + m.id()
                    + " not found: pass it with --secret id="
                    + m.id()
                    + ",src=FILE");
          }
          return Optional.empty();
        }
        if (m.envName() != null && !m.envName().isEmpty()) {
          return Optional.of(new ExecMount.SecretEnv(m.id(), value.get(), m.envName()));
        }
        String target =
            m.target() == null || m.target().isEmpty() ? "/run/secrets/" + m.id() : m.target();
        return Optional.of(
            new ExecMount.SecretFile(
                m.id(),
                value.get(),
                target,
                m.uid() == null ? 0 : m.uid(),
                m.gid() == null ? 0 : m.gid(),
                m.mode() == null ? 0400 : m.mode()));
      }
      case SSH -> {
        String id = m.id() == null || m.id().isEmpty() ? "default" : m.id();
        Optional<Path> socket;
        try {
          socket = job.sshIds().contains(id) ? job.session().sshAgentSocket(id) : Optional.empty();
        } catch (SessionException e) {
          throw BuildFailedException.of(ErrorKind.ERROR_KIND_SESSION, e.getMessage());
        }
        if (socket.isEmpty()) {
          if (m.required()) {
            throw BuildFailedException.of(
                ErrorKind.ERROR_KIND_SESSION,
                "no SSH agent \"" + id + "\" was given: pass --ssh " + id);
          }
          return Optional.empty();
        }
        String target =
            m.target() == null || m.target().isEmpty() ? "/run/buildkit/ssh_agent.0" : m.target();
        return Optional.of(new ExecMount.SshAgent(socket.get(), target));
      }
      default -> throw new IllegalStateException("unknown mount type " + m.type());
    }
  }

  private static Optional<byte[]> secret(String id, SolveJob job) throws BuildFailedException {
    if (!job.secretIds().contains(id)) {
      return Optional.empty();
    }
    try {
      return job.session().secret(id);
    } catch (SessionException e) {
      throw BuildFailedException.of(ErrorKind.ERROR_KIND_SESSION, e.getMessage());
    }
  }

  private static SolvedVertex inputOf(
      dev.slipway.engine.graph.Vertex source, ExecOp v, List<SolvedVertex> inputs) {
    int i = v.inputs().indexOf(source);
    return inputs.get(i);
  }

  private static String subpath(String sourcePath) {
    return sourcePath == null || sourcePath.isEmpty() ? "/" : sourcePath;
  }

  /** The last lines a step printed, for the failure report. */
  private static final class LastLines {
    private final Deque<String> lines = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();

    synchronized void add(byte[] chunk) {
      partial.append(new String(chunk, StandardCharsets.UTF_8));
      int nl;
      while ((nl = partial.indexOf("\n")) >= 0) {
        lines.addLast(partial.substring(Math.max(0, nl - LAST_LINE_CHARS), nl));
        partial.delete(0, nl + 1);
        if (lines.size() > LAST_LINES) {
          lines.removeFirst();
        }
      }
      if (partial.length() > LAST_LINE_CHARS) {
        partial.delete(0, partial.length() - LAST_LINE_CHARS);
      }
    }

    synchronized List<String> lines() {
      List<String> all = new ArrayList<>(lines);
      if (!partial.isEmpty()) {
        all.add(partial.toString());
      }
      return all.subList(Math.max(0, all.size() - LAST_LINES), all.size());
    }
  }
}
