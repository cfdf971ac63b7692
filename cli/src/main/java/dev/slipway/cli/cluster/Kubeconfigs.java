package dev.slipway.cli.cluster;

import dev.slipway.cli.usage.UsageException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where kubectl would read its configuration: {@code --kubeconfig}, else the files listed in
 * $KUBECONFIG, else ~/.kube/config. Only files that exist count, so a machine without a cluster
 * keeps building locally.
 */
public final class Kubeconfigs {
  private Kubeconfigs() {}

  /** The kubeconfig files in effect; empty when there is none. */
  public static List<Path> find(Path flag, Map<String, String> env, Path home) {
    if (flag != null) {
      if (!Files.isRegularFile(flag)) {
        throw new UsageException("--kubeconfig " + flag + ": no such file");
      }
      return List.of(flag);
    }
    String listed = env.get("KUBECONFIG");
    if (listed != null && !listed.isBlank()) {
      return Arrays.stream(listed.split(File.pathSeparator))
          .filter(s -> !s.isBlank())
          .map(Path::of)
          .filter(Files::isRegularFile)
          .toList();
    }
    Path standard = home.resolve(".kube").resolve("config");
    return Files.isRegularFile(standard) ? List.of(standard) : List.of();
  }
}
