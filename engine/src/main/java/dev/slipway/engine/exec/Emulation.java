package dev.slipway.engine.exec;

import dev.slipway.engine.content.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which foreign platforms this machine can run through QEMU user emulation: those whose binfmt_misc
 * handler is registered and enabled with the fix-binary flag (F). Without F the kernel looks the
 * interpreter up in the container's root filesystem, where it is not, so such a handler does not
 * count.
 */
public final class Emulation {
  /**
   * Where the handlers are listed: the machine's own binfmt_misc, or, in a builder pod (whose fresh
   * /proc has none mounted), the host's, which the operator mounts read-only at the second path.
   * The handlers apply to the pod's processes either way: registrations are the kernel's.
   */
  static final List<Path> BINFMT_MISC =
      List.of(Path.of("/proc/sys/fs/binfmt_misc"), Path.of("/run/slipway/host-binfmt_misc"));

  /** Debian's handler names (qemu-user-static) and the platform each runs. */
  private static final Map<String, Platform> HANDLERS =
      Map.of(
          "qemu-aarch64", new Platform("linux", "arm64", ""),
          "qemu-arm", new Platform("linux", "arm", "v7"),
          "qemu-riscv64", new Platform("linux", "riscv64", ""),
          "qemu-ppc64le", new Platform("linux", "ppc64le", ""),
          "qemu-s390x", new Platform("linux", "s390x", ""),
          "qemu-x86_64", new Platform("linux", "amd64", ""));

  private static final List<String> ORDER =
      List.of(
          "qemu-x86_64", "qemu-aarch64", "qemu-arm", "qemu-riscv64", "qemu-ppc64le", "qemu-s390x");

  private Emulation() {}

  /** The emulated platforms of this machine, the host's own left out. */
  public static List<Platform> emulated() {
    return emulated(
        BINFMT_MISC.stream()
            .filter(dir -> Files.exists(dir.resolve("status")))
            .findFirst()
            .orElse(BINFMT_MISC.getFirst()),
        Platform.host());
  }

  static List<Platform> emulated(Path binfmtMisc, Platform host) {
    List<Platform> found = new ArrayList<>();
    for (String name : ORDER) {
      Platform platform = HANDLERS.get(name);
      if (!platform.architecture().equals(host.architecture())
          && usable(binfmtMisc.resolve(name))) {
        found.add(platform);
      }
    }
    return found;
  }

  /** Whether this machine runs {@code platform}'s programs: its own, or emulated. */
  public static boolean runs(Platform platform) {
    return runs(platform, Platform.host(), emulated());
  }

  static boolean runs(Platform platform, Platform host, List<Platform> emulated) {
    String wanted = platform.architecture();
    return platform.os().equals("linux")
        && (wanted.equals(host.architecture())
            || nativelyCompatible(host.architecture(), wanted)
            || emulated.stream().anyMatch(p -> p.architecture().equals(wanted)));
  }

  /**
   * x86-64 runs i386 programs itself, and most arm64 CPUs run 32-bit arm ones (AArch32); where one
   * does not, the kernel refuses the exec and the step fails with its error, as in BuildKit.
   */
  private static boolean nativelyCompatible(String host, String wanted) {
    return (host.equals("amd64") && wanted.equals("386"))
        || (host.equals("arm64") && wanted.equals("arm"));
  }

  private static boolean usable(Path handler) {
    try {
      String text = Files.readString(handler);
      return text.startsWith("enabled")
          && text.lines().anyMatch(l -> l.startsWith("flags:") && l.substring(6).contains("F"));
    } catch (IOException e) {
      return false; // not registered, or binfmt_misc not mounted
    }
  }
}
