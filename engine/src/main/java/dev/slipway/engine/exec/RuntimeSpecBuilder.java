package dev.slipway.engine.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the OCI runtime spec ({@code config.json}) for one RUN process. A sandboxed step (the
 * default) gets what container runtimes give a container by default: Docker's default capabilities,
 * the default seccomp filter ({@link SeccompProfile}), {@code noNewPrivileges} (a setuid binary
 * gains nothing, so {@code sudo} in a RUN step does not work: run it as root instead), masked and
 * read-only {@code /proc} and {@code /sys} paths, and BuildKit's standard {@code /proc}, {@code
 * /dev}, {@code /sys} and cgroup mounts. A privileged step ({@code RUN --security=insecure},
 * allowed only by the {@code security.insecure} entitlement) gets every capability, no seccomp
 * filter, every device and writable {@code /sys}, as BuildKit's insecure mode.
 */
public final class RuntimeSpecBuilder {

  static final List<String> DEFAULT_CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE");

  /** Every capability of Linux 6.x in kernel order (the index is the capability's number). */
  static final List<String> ALL_CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_DAC_READ_SEARCH",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_KILL",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETPCAP",
          "CAP_LINUX_IMMUTABLE",
          "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST",
          "CAP_NET_ADMIN",
          "CAP_NET_RAW",
          "CAP_IPC_LOCK",
          "CAP_IPC_OWNER",
          "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_CHROOT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_PACCT",
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_NICE",
          "CAP_SYS_RESOURCE",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_MKNOD",
          "CAP_LEASE",
          "CAP_AUDIT_WRITE",
          "CAP_AUDIT_CONTROL",
          "CAP_SETFCAP",
          "CAP_MAC_OVERRIDE",
          "CAP_MAC_ADMIN",
          "CAP_SYSLOG",
          "CAP_WAKE_ALARM",
          "CAP_BLOCK_SUSPEND",
          "CAP_AUDIT_READ",
          "CAP_PERFMON",
          "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE");

  /** runc's and moby's defaults: kernel state a build must not read. */
  static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/interrupts",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/devices/virtual/powercap");

  static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ExecSpec spec;
  private Path rootfs;
  private ResolvedUser user = ResolvedUser.ROOT;
  private final List<OciMount> runMounts = new ArrayList<>();
  private final List<String> extraEnv = new ArrayList<>();
  private String cgroupsPath;

  public RuntimeSpecBuilder(ExecSpec spec) {
    this.spec = spec;
    this.rootfs = spec.rootfs();
  }

  /** The rootfs path to write into the spec (the real path of {@link ExecSpec#rootfs()}). */
  public RuntimeSpecBuilder rootfs(Path rootfs) {
    this.rootfs = rootfs;
    return this;
  }

  public RuntimeSpecBuilder user(ResolvedUser user) {
    this.user = user;
    return this;
  }

  /** Mounts added after the standard ones, in order (hosts, resolv.conf, RUN --mount). */
  RuntimeSpecBuilder mounts(List<OciMount> mounts) {
    runMounts.addAll(mounts);
    return this;
  }

  /** Variables set by mounts (secret env, SSH_AUTH_SOCK); they win over the step's env. */
  public RuntimeSpecBuilder extraEnv(List<String> env) {
    extraEnv.addAll(env);
    return this;
  }

  /** The cgroup to create; the runtime kills everything left in it on {@code delete -f}. */
  public RuntimeSpecBuilder cgroupsPath(String path) {
    this.cgroupsPath = path;
    return this;
  }

  public ObjectNode build() {
    ObjectNode root = JSON.createObjectNode();
    root.put("ociVersion", "1.0.2");
    root.set("process", process());
    ObjectNode rootNode = root.putObject("root");
    rootNode.put("path", rootfs.toString());
    rootNode.put("readonly", false);
    root.put("hostname", spec.hostname());
    ArrayNode mounts = root.putArray("mounts");
    for (OciMount m : standardMounts(spec.privileged(), spec.limits().effectiveShmBytes())) {
      mounts.add(mount(m));
    }
    for (OciMount m : runMounts) {
      mounts.add(mount(m));
    }
    root.set("linux", linux());
    return root;
  }

  public byte[] toJson() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(build());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a runtime spec", e);
    }
  }

  private ObjectNode process() {
    ObjectNode p = JSON.createObjectNode();
    p.put("terminal", false);
    ObjectNode u = p.putObject("user");
    u.put("uid", user.uid());
    u.put("gid", user.gid());
    u.put("umask", 022);
    if (!user.additionalGids().isEmpty()) {
      ArrayNode gids = u.putArray("additionalGids");
      user.additionalGids().forEach(gids::add);
    }
    ArrayNode args = p.putArray("args");
    spec.args().forEach(args::add);
    ArrayNode env = p.putArray("env");
    environment().forEach(env::add);
    p.put("cwd", spec.cwd());
    ObjectNode caps = p.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode a = caps.putArray(set);
      (spec.privileged() ? HostCapabilities.BOUNDING : DEFAULT_CAPABILITIES).forEach(a::add);
    }
    p.put("noNewPrivileges", !spec.privileged());
    if (!spec.limits().ulimits().isEmpty()) {
      ArrayNode rlimits = p.putArray("rlimits");
      for (ExecLimits.Ulimit limit : spec.limits().ulimits()) {
        // the spec's limits are unsigned: -1 is RLIM_INFINITY
        rlimits
            .addObject()
            .put("type", limit.rlimitType())
            .put("hard", new java.math.BigInteger(Long.toUnsignedString(limit.hard())))
            .put("soft", new java.math.BigInteger(Long.toUnsignedString(limit.soft())));
      }
    }
    return p;
  }

  /** A tmpfs size option: in KiB when it divides evenly, as BuildKit writes the default. */
  static String shmSize(long bytes) {
    return bytes % 1024 == 0 ? bytes / 1024 + "k" : Long.toString(bytes);
  }

  /** The step's env with BuildKit's default PATH when it has none; mount variables override. */
  List<String> environment() {
    List<String> env = new ArrayList<>();
    if (spec.env().stream().noneMatch(e -> e.startsWith("PATH="))) {
      env.add(ExecSpec.DEFAULT_PATH);
    }
    for (String e : spec.env()) {
      String key = e.substring(0, e.indexOf('=') + 1);
      if (extraEnv.stream().noneMatch(x -> x.startsWith(key))) {
        env.add(e);
      }
    }
    env.addAll(extraEnv);
    return env;
  }

  private static List<OciMount> standardMounts(boolean privileged, long shmBytes) {
    String sysAccess = privileged ? "rw" : "ro";
    return List.of(
        new OciMount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
        new OciMount(
            "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
        new OciMount(
            "/dev/pts",
            "devpts",
            "devpts",
            List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
        new OciMount(
            "/dev/shm",
            "tmpfs",
            "shm",
            List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shmSize(shmBytes))),
        new OciMount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
        new OciMount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", sysAccess)),
        new OciMount(
            "/sys/fs/cgroup",
            "cgroup",
            "cgroup",
            List.of("nosuid", "noexec", "nodev", "relatime", sysAccess)));
  }

  /**
   * What a privileged step gets: every capability the builder itself may hold (its bounding set),
   * as a runtime cannot grant more and refuses to start when asked to.
   */
  static final class HostCapabilities {
    static final List<String> BOUNDING = read(Path.of("/proc/self/status"));

    private HostCapabilities() {}

    static List<String> read(Path status) {
      try {
        String line =
            java.nio.file.Files.readAllLines(status).stream()
                .filter(l -> l.startsWith("CapBnd:"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(status + " has no CapBnd line"));
        long bits = Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16);
        List<String> held = new ArrayList<>();
        for (int i = 0; i < ALL_CAPABILITIES.size(); i++) {
          if ((bits >>> i & 1) == 1) {
            held.add(ALL_CAPABILITIES.get(i));
          }
        }
        return List.copyOf(held);
      } catch (java.io.IOException e) {
        // no /proc: privileged steps get the default set rather than a spec the runtime refuses
        return DEFAULT_CAPABILITIES;
      }
    }
  }

  private static ObjectNode mount(OciMount m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("destination", m.destination());
    n.put("type", m.type());
    n.put("source", m.source());
    ArrayNode opts = n.putArray("options");
    m.options().forEach(opts::add);
    return n;
  }

  private ObjectNode linux() {
    ObjectNode linux = JSON.createObjectNode();
    ArrayNode ns = linux.putArray("namespaces");
    List<String> types = new ArrayList<>(List.of("pid", "ipc", "uts", "mount"));
    if (spec.network() == NetworkMode.NONE) {
      types.add("network");
    }
    types.forEach(t -> ns.addObject().put("type", t));
    if (cgroupsPath != null) {
      linux.put("cgroupsPath", cgroupsPath);
    }
    // Deny all device access except the runtime's default devices, like containerd's spec.
    ObjectNode resources = linux.putObject("resources");
    resources.putArray("devices").addObject().put("allow", spec.privileged()).put("access", "rwm");
    if (spec.privileged()) {
      return linux;
    }
    linux.set("seccomp", SeccompProfile.forHost());
    ArrayNode masked = linux.putArray("maskedPaths");
    MASKED_PATHS.forEach(masked::add);
    ArrayNode ro = linux.putArray("readonlyPaths");
    READONLY_PATHS.forEach(ro::add);
    return linux;
  }
}
