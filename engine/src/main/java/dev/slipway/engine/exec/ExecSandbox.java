package dev.slipway.engine.exec;

import dev.slipway.confined.RootedPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The host-side preparation of one run inside its bundle directory: the generated {@code
 * /etc/hosts} and {@code /etc/resolv.conf}, secret files, cache directories, mount stubs in the
 * rootfs and the resulting runtime mounts. Secret files live in the bundle, which must be on tmpfs,
 * so a secret never touches a disk.
 */
final class ExecSandbox {

  private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

  private final List<OciMount> mounts = new ArrayList<>();
  private final List<String> extraEnv = new ArrayList<>();
  private final List<Path> secretFiles = new ArrayList<>();
  private final MountStubs stubs;

  private boolean holdsSecrets;

  ExecSandbox(Path rootfs) {
    this.stubs = new MountStubs(rootfs);
  }

  /**
   * Prepares the sandbox; the rootfs must be a real path. On failure, what it wrote to the bundle
   * goes with the bundle, and the stubs made so far are in {@link #stubs()}.
   */
  void prepare(ExecSpec spec, Path bundle) {
    try {
      prepareInternal(spec, bundle);
    } catch (IOException e) {
      throw new ExecException("cannot prepare the sandbox for " + spec.args() + ": " + e, e);
    }
  }

  private void prepareInternal(ExecSpec spec, Path bundle) throws IOException {
    // The runtime creates missing mount points itself, but inside the layer; doing it here lets us
    // record them as stubs.
    for (String dir : List.of("/proc", "/dev", "/sys")) {
      stubs.ensure(dir, true);
    }
    Path hosts = bundle.resolve("hosts");
    Files.writeString(hosts, hostsFile(spec), StandardCharsets.UTF_8);
    addFile(hosts, "/etc/hosts", true);
    Path resolv = bundle.resolve("resolv.conf");
    Files.writeString(resolv, resolvConf(spec.network()), StandardCharsets.UTF_8);
    addFile(resolv, "/etc/resolv.conf", true);

    Path secretsDir = bundle.resolve("secrets");
    int n = 0;
    for (ExecMount m : spec.mounts()) {
      switch (m) {
        case ExecMount.Bind b -> {
          Path source = RootedPaths.resolve(b.source().toRealPath(), b.subpath());
          if (!Files.exists(source)) {
            // The message names paths as the Dockerfile does; the snapshot's host path stays out.
            throw new ExecException(
                "bind mount source '"
                    + b.subpath()
                    + "' does not exist in the mounted context, stage or image (RUN --mount"
                    + " target "
                    + b.target()
                    + "); check the mount's source path");
          }
          boolean dir = Files.isDirectory(source);
          stubs.ensure(b.target(), dir);
          mounts.add(OciMount.bind(b.target(), source.toString(), !b.readWrite()));
        }
        case ExecMount.Cache c -> {
          createCacheDirectory(c);
          stubs.ensure(c.target(), true);
          mounts.add(OciMount.bind(c.target(), c.hostDirectory().toString(), c.readOnly()));
        }
        case ExecMount.Tmpfs t -> {
          stubs.ensure(t.target(), true);
          List<String> opts = new ArrayList<>(List.of("nosuid", "nodev", "strictatime"));
          if (t.sizeBytes() > 0) {
            opts.add("size=" + t.sizeBytes());
          }
          mounts.add(new OciMount(t.target(), "tmpfs", "tmpfs", opts));
        }
        case ExecMount.SecretFile s -> {
          holdsSecrets = true;
          Files.createDirectories(secretsDir);
          Path file = secretsDir.resolve("secret-" + n++);
          writeSecret(file, s);
          secretFiles.add(file);
          stubs.ensure(s.target(), false);
          mounts.add(OciMount.bind(s.target(), file.toString(), true, "nosuid", "nodev", "noexec"));
        }
        case ExecMount.SecretEnv s -> {
          holdsSecrets = true;
          extraEnv.add(s.variable() + "=" + new String(s.value(), StandardCharsets.UTF_8));
        }
        case ExecMount.SshAgent a -> {
          if (!Files.exists(a.socket())) {
            throw new ExecException(
                "ssh agent socket "
                    + a.socket()
                    + " does not exist (RUN --mount=type=ssh target "
                    + a.target()
                    + "); the session's ssh forwarding is not running");
          }
          stubs.ensure(a.target(), false);
          mounts.add(OciMount.bind(a.target(), a.socket().toString(), false, "nosuid", "nodev"));
          extraEnv.add("SSH_AUTH_SOCK=" + a.target());
        }
      }
    }
  }

  private void addFile(Path source, String target, boolean readOnly) {
    stubs.ensure(target, false);
    mounts.add(OciMount.bind(target, source.toString(), readOnly, "nosuid", "nodev", "noexec"));
  }

  private static String hostsFile(ExecSpec spec) {
    StringBuilder sb = new StringBuilder();
    sb.append("127.0.0.1\tlocalhost ").append(spec.hostname()).append('\n');
    sb.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
    for (HostEntry h : spec.extraHosts()) {
      sb.append(h.address()).append('\t').append(h.hostname()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Host networking shares the builder's resolver configuration; an isolated network can reach no
   * resolver, so it gets a loopback-only file instead of the builder's details.
   */
  private static String resolvConf(NetworkMode network) throws IOException {
    if (network == NetworkMode.HOST && Files.isReadable(HOST_RESOLV_CONF)) {
      return Files.readString(HOST_RESOLV_CONF, StandardCharsets.ISO_8859_1);
    }
    return "nameserver 127.0.0.1\n";
  }

  private static void createCacheDirectory(ExecMount.Cache c) throws IOException {
    Path dir = c.hostDirectory();
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir.getParent());
    Files.createDirectory(dir);
    Files.setAttribute(dir, "unix:uid", c.uid());
    Files.setAttribute(dir, "unix:gid", c.gid());
    Files.setPosixFilePermissions(dir, permissions(c.mode()));
  }

  private static void writeSecret(Path file, ExecMount.SecretFile s) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(permissions(0600)));
    Files.write(file, s.value(), StandardOpenOption.TRUNCATE_EXISTING);
    Files.setAttribute(file, "unix:uid", s.uid(), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(file, "unix:gid", s.gid(), LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(file, permissions(s.mode()));
  }

  static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder sb = new StringBuilder();
    String rwx = "rwx";
    for (int shift = 6; shift >= 0; shift -= 3) {
      for (int bit = 0; bit < 3; bit++) {
        sb.append((mode >> (shift + 2 - bit) & 1) == 1 ? rwx.charAt(bit) : '-');
      }
    }
    return PosixFilePermissions.fromString(sb.toString());
  }

  boolean holdsSecrets() {
    return holdsSecrets;
  }

  /** Deletes the secret files; called as soon as the process has exited. */
  void deleteSecrets() {
    for (Path f : secretFiles) {
      try {
        Files.deleteIfExists(f);
      } catch (IOException e) {
        throw new ExecException("cannot delete a secret file in " + f.getParent() + ": " + e, e);
      }
    }
    secretFiles.clear();
  }

  List<OciMount> mounts() {
    return List.copyOf(mounts);
  }

  List<String> extraEnv() {
    return List.copyOf(extraEnv);
  }

  MountStubs stubs() {
    return stubs;
  }
}
