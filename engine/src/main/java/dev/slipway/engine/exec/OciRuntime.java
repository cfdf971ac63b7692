package dev.slipway.engine.exec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The OCI runtime binary that runs RUN steps. Both crun and runc take the same command line for
 * what the executor needs ({@code --root}, {@code --log}, {@code run}, {@code kill}, {@code
 * delete}, {@code list}).
 *
 * @param noPivotRoot true when the host root is an initramfs, where pivot_root(2) fails and the
 *     runtime must fall back to {@code --no-pivot} (chroot-like, less isolated)
 */
public record OciRuntime(String name, Path executable, String version, boolean noPivotRoot) {

  private static final String INSTALL_HINT =
      "install one (Debian/Ubuntu: apt-get install crun, or apt-get install runc) or configure the"
          + " runtime's path";

  /**
   * Finds crun or runc on PATH, preferring crun. crun is passed over where it cannot work: it
   * refuses hybrid cgroup hosts whose v2 hierarchy has controllers (it says "cgroups in hybrid mode
   * not supported"), which runc handles.
   */
  public static OciRuntime detect() {
    return detect(System.getenv().getOrDefault("PATH", ""), HostCgroups.read());
  }

  static OciRuntime detect(String searchPath, HostCgroups cgroups) {
    List<String> notes = new ArrayList<>();
    for (String candidate : List.of("crun", "runc")) {
      Path found = onPath(searchPath, candidate);
      if (found == null) {
        notes.add(candidate + " not on PATH");
        continue;
      }
      if (candidate.equals("crun") && cgroups.hybridWithV2Controllers()) {
        notes.add("crun at " + found + " skipped: it does not support this host's hybrid cgroups");
        continue;
      }
      return at(found);
    }
    throw new OciRuntimeNotFoundException(
        "no usable OCI runtime to execute RUN steps ("
            + String.join("; ", notes)
            + " [PATH="
            + searchPath
            + "]): "
            + INSTALL_HINT);
  }

  /** Uses the runtime at a configured path; its name is taken from the file name. */
  public static OciRuntime at(Path executable) {
    if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
      throw new OciRuntimeNotFoundException(
          "OCI runtime " + executable + " does not exist or is not executable: " + INSTALL_HINT);
    }
    String version = versionOf(executable);
    String name = executable.getFileName().toString();
    return new OciRuntime(name, executable, version, HostMounts.rootIsInitramfs());
  }

  private static Path onPath(String searchPath, String name) {
    for (String dir : searchPath.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /** The first line of {@code --version}, e.g. {@code runc version 1.1.5+ds1}. */
  private static String versionOf(Path executable) {
    try {
      Process p =
          new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new OciRuntimeNotFoundException(
            "OCI runtime " + executable + " failed on --version: " + out.strip());
      }
      return out.lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new OciRuntimeNotFoundException(
          "cannot start OCI runtime " + executable + ": " + e.getMessage() + "; " + INSTALL_HINT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecException("interrupted while probing " + executable, e);
    }
  }
}
