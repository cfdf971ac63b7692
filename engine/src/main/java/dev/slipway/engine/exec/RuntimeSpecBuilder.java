package dev.slipway.engine.exec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the OCI runtime spec ({@code config.json}) for one RUN process, following BuildKit's
 * default spec: Docker's default capabilities, {@code noNewPrivileges} off (setuid tools such as
 * {@code sudo} must work in builds), BuildKit's masked and read-only paths, and its standard {@code
 * /proc}, {@code /dev}, {@code /sys} and cgroup mounts. No seccomp profile is applied.
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

  static final List<String> MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
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
    for (OciMount m : standardMounts()) {
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
      DEFAULT_CAPABILITIES.forEach(a::add);
    }
    p.put("noNewPrivileges", false);
    return p;
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

  private static List<OciMount> standardMounts() {
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
            List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
        new OciMount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
        new OciMount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
        new OciMount(
            "/sys/fs/cgroup",
            "cgroup",
            "cgroup",
            List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
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
    resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
    ArrayNode masked = linux.putArray("maskedPaths");
    MASKED_PATHS.forEach(masked::add);
    ArrayNode ro = linux.putArray("readonlyPaths");
    READONLY_PATHS.forEach(ro::add);
    return linux;
  }
}
