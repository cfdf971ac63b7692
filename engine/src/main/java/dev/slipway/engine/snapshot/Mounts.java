package dev.slipway.engine.snapshot;

import dev.slipway.engine.fs.HostCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Mounting and unmounting through {@code mount(8)}/{@code umount(8)}; Java has no mount call. */
final class Mounts {

  /**
   * The kernel copies mount options into one page; longer option strings are refused. Callers keep
   * layer paths short and relative to stay well below it.
   */
  static final int MAX_OPTIONS_LENGTH = 4095;

  private Mounts() {}

  /**
   * Mounts an overlay at {@code target}. The options may name directories relative to {@code
   * workingDir}: mount resolves them against its working directory, which keeps the option string
   * short enough for hundreds of layers.
   */
  static void mountOverlay(Path workingDir, String options, Path target) throws IOException {
    if (options.length() > MAX_OPTIONS_LENGTH) {
      throw new SnapshotException(
          "the overlay mount options for "
              + target
              + " are "
              + options.length()
              + " bytes, more than the kernel's limit of "
              + MAX_OPTIONS_LENGTH
              + "; the image has too many layers for overlayfs: squash layers or use the copy"
              + " snapshotter");
    }
    Path mount = HostCommands.require("mount", "mount");
    HostCommands.run(
        workingDir,
        List.of(mount.toString(), "-t", "overlay", "overlay", "-o", options, target.toString()),
        null);
  }

  /** Unmounts {@code target}; a mount kept busy by a leftover process is detached lazily. */
  static void unmount(Path target) throws IOException {
    Path umount = HostCommands.require("umount", "mount");
    HostCommands.Result result =
        HostCommands.execute(null, List.of(umount.toString(), target.toString()), null);
    if (result.exitCode() != 0 && isMounted(target)) {
      HostCommands.run(null, List.of(umount.toString(), "-l", target.toString()), null);
    }
  }

  static boolean isMounted(Path target) throws IOException {
    Path absolute = target.toAbsolutePath().normalize();
    return mountPoints().stream().anyMatch(absolute::equals);
  }

  /** Mount points at or below {@code dir}, deepest first so they can be unmounted in order. */
  static List<Path> mountPointsUnder(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath().normalize();
    List<Path> under = new ArrayList<>();
    for (Path point : mountPoints()) {
      if (point.startsWith(absolute)) {
        under.add(point);
      }
    }
    under.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return under;
  }

  /** Field 5 of each /proc/self/mountinfo line, with the kernel's octal escapes decoded. */
  private static List<Path> mountPoints() throws IOException {
    List<Path> points = new ArrayList<>();
    for (String line :
        Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.ISO_8859_1)) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        points.add(Path.of(decodeOctal(fields[4])));
      }
    }
    return points;
  }

  private static String decodeOctal(String field) {
    byte[] out = new byte[field.length()];
    int n = 0;
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length()) {
        out[n++] = (byte) Integer.parseInt(field.substring(i + 1, i + 4), 8);
        i += 3;
      } else {
        out[n++] = (byte) c;
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }
}
