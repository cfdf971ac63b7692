package dev.slipway.engine.exec;

import dev.slipway.confined.RootedPaths;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything needed to run one RUN step: the prepared root filesystem (a writable directory owned
 * by the snapshotter), the process, and its sandbox settings.
 *
 * @param env {@code KEY=value} entries; {@code PATH} gets BuildKit's default when absent
 * @param user a Dockerfile USER value; empty means root
 * @param timeout null for none; when it passes the step is cancelled like a cancelled build
 * @param privileged {@code RUN --security=insecure}: every capability, no seccomp filter, no masked
 *     paths; the frontend allows it only with the {@code security.insecure} entitlement
 * @param limits the build's /dev/shm size and rlimits (checked against the builder's own)
 */
public record ExecSpec(
    Path rootfs,
    List<String> args,
    List<String> env,
    String cwd,
    String user,
    String hostname,
    NetworkMode network,
    List<HostEntry> extraHosts,
    List<ExecMount> mounts,
    Duration timeout,
    boolean privileged,
    ExecLimits limits) {

  static final String DEFAULT_PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  public ExecSpec {
    Objects.requireNonNull(rootfs, "rootfs");
    args = List.copyOf(args);
    if (args.isEmpty()) {
      throw new IllegalArgumentException("a RUN step needs a command");
    }
    env = List.copyOf(env);
    for (String e : env) {
      if (e.indexOf('=') <= 0) {
        throw new IllegalArgumentException("environment entries must be KEY=value");
      }
    }
    cwd = cwd == null || cwd.isEmpty() ? "/" : RootedPaths.requireAbsolute(cwd, "working dir");
    user = user == null ? "" : user;
    hostname = hostname == null || hostname.isEmpty() ? "slipway" : hostname;
    network = network == null || network == NetworkMode.DEFAULT ? NetworkMode.HOST : network;
    extraHosts = List.copyOf(extraHosts);
    mounts = List.copyOf(mounts);
    limits = limits == null ? ExecLimits.NONE : limits;
  }

  public static Builder builder(Path rootfs, List<String> args) {
    return new Builder(rootfs, args);
  }

  /** Fluent construction, with BuildKit's defaults for everything not set. */
  public static final class Builder {
    private final Path rootfs;
    private final List<String> args;
    private final List<String> env = new ArrayList<>();
    private String cwd = "/";
    private String user = "";
    private String hostname = "slipway";
    private NetworkMode network = NetworkMode.HOST;
    private final List<HostEntry> extraHosts = new ArrayList<>();
    private final List<ExecMount> mounts = new ArrayList<>();
    private Duration timeout;
    private boolean privileged;
    private ExecLimits limits = ExecLimits.NONE;

    private Builder(Path rootfs, List<String> args) {
      this.rootfs = rootfs;
      this.args = List.copyOf(args);
    }

    public Builder env(String keyValue) {
      env.add(keyValue);
      return this;
    }

    public Builder env(List<String> keyValues) {
      env.addAll(keyValues);
      return this;
    }

    public Builder cwd(String cwd) {
      this.cwd = cwd;
      return this;
    }

    public Builder user(String user) {
      this.user = user;
      return this;
    }

    public Builder hostname(String hostname) {
      this.hostname = hostname;
      return this;
    }

    public Builder network(NetworkMode network) {
      this.network = network;
      return this;
    }

    public Builder extraHost(String hostname, String address) {
      return extraHost(new HostEntry(hostname, address));
    }

    public Builder extraHost(HostEntry host) {
      extraHosts.add(host);
      return this;
    }

    public Builder mount(ExecMount mount) {
      mounts.add(mount);
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public Builder privileged(boolean privileged) {
      this.privileged = privileged;
      return this;
    }

    public Builder limits(ExecLimits limits) {
      this.limits = limits;
      return this;
    }

    public ExecSpec build() {
      return new ExecSpec(
          rootfs,
          args,
          env,
          cwd,
          user,
          hostname,
          network,
          extraHosts,
          mounts,
          timeout,
          privileged,
          limits);
    }
  }
}
