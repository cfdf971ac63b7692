package dev.slipway.engine.exec;

import dev.slipway.confined.RootedPaths;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@code RUN --mount}. The engine resolves sources (context, stage, cache id, session secret, ssh
 * agent) to host resources before building one of these; the executor only wires them into the
 * container.
 */
public sealed interface ExecMount {

  /** Where the mount appears in the container, absolute. Null for env-only secrets. */
  String target();

  /**
   * {@code type=bind}. For {@code rw} the source must already be a throwaway copy or overlay:
   * writes go straight to it, and the caller discards it afterwards so they never reach the source.
   */
  record Bind(Path source, String subpath, String target, boolean readWrite) implements ExecMount {
    public Bind {
      Objects.requireNonNull(source, "source");
      subpath = subpath == null ? "" : subpath;
      target = RootedPaths.requireAbsolute(target, "bind mount target");
    }
  }

  /**
   * {@code type=cache}: a persistent host directory. If it does not exist yet it is created with
   * the given owner and mode; an existing directory is left as it is, like BuildKit.
   */
  record Cache(Path hostDirectory, String target, int uid, int gid, int mode, boolean readOnly)
      implements ExecMount {
    public Cache {
      Objects.requireNonNull(hostDirectory, "hostDirectory");
      target = RootedPaths.requireAbsolute(target, "cache mount target");
    }

    /** BuildKit's defaults: root-owned, 0755, writable. */
    public static Cache of(Path hostDirectory, String target) {
      return new Cache(hostDirectory, target, 0, 0, 0755, false);
    }
  }

  /** {@code type=tmpfs}; a size of 0 means the kernel default (half the RAM). */
  record Tmpfs(String target, long sizeBytes) implements ExecMount {
    public Tmpfs {
      target = RootedPaths.requireAbsolute(target, "tmpfs mount target");
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("tmpfs size must not be negative: " + sizeBytes);
      }
    }
  }

  /**
   * {@code type=secret} as a file: the bytes are written to a tmpfs file owned by uid/gid with the
   * given mode, bind-mounted read-only and deleted when the process exits.
   */
  record SecretFile(String id, byte[] value, String target, int uid, int gid, int mode)
      implements ExecMount {
    public SecretFile {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(value, "value");
      value = value.clone();
      target =
          RootedPaths.requireAbsolute(
              target == null || target.isEmpty() ? "/run/secrets/" + id : target,
              "secret mount target");
    }

    /** BuildKit's defaults: {@code /run/secrets/<id>}, root-owned, mode 0400. */
    public static SecretFile of(String id, byte[] value) {
      return new SecretFile(id, value, null, 0, 0, 0400);
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SecretFile s
          && id.equals(s.id)
          && Arrays.equals(value, s.value)
          && target.equals(s.target)
          && uid == s.uid
          && gid == s.gid
          && mode == s.mode;
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, target, uid, gid, mode);
    }

    @Override
    public String toString() {
      return "SecretFile[id=" + id + ", target=" + target + ", value=<redacted>]";
    }
  }

  /** {@code type=secret,env=NAME}: the secret becomes an environment variable of the process. */
  record SecretEnv(String id, byte[] value, String variable) implements ExecMount {
    public SecretEnv {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(value, "value");
      value = value.clone();
      if (variable == null || variable.isEmpty() || variable.contains("=")) {
        throw new IllegalArgumentException("invalid environment variable for secret " + id);
      }
    }

    @Override
    public String target() {
      return null;
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SecretEnv s
          && id.equals(s.id)
          && Arrays.equals(value, s.value)
          && variable.equals(s.variable);
    }

    @Override
    public int hashCode() {
      return Objects.hash(id, variable);
    }

    @Override
    public String toString() {
      return "SecretEnv[id=" + id + ", variable=" + variable + ", value=<redacted>]";
    }
  }

  /**
   * {@code type=ssh}: an agent socket on the host (the session's forwarding socket) bound at the
   * target; {@code SSH_AUTH_SOCK} points at it.
   */
  record SshAgent(Path socket, String target) implements ExecMount {
    public SshAgent {
      Objects.requireNonNull(socket, "socket");
      target =
          RootedPaths.requireAbsolute(
              target == null || target.isEmpty() ? "/run/buildkit/ssh_agent.0" : target,
              "ssh mount target");
    }
  }
}
