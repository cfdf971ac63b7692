package dev.slipway.e2e.chart;

import dev.slipway.testing.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real helm binary, run on the chart with a values file. */
final class Helm {
  /** Where e2e/cluster/env.sh keeps built binaries unless SLIPWAY_E2E_CACHE says otherwise. */
  private static final String DEFAULT_E2E_CACHE = "/var/cache/slipway-e2e";

  private final Path binary;

  private Helm(Path binary) {
    this.binary = binary;
  }

  /**
   * $HELM, else the helm of the version e2e/cluster/helm/go.mod pins, as e2e/cluster/build.sh built
   * it into the cache directory: {@code $SLIPWAY_E2E_CACHE}, or /var/cache/slipway-e2e when that is
   * unset or empty (as env.sh does).
   */
  static Helm locate() throws IOException {
    String fromEnv = System.getenv("HELM");
    if (fromEnv != null && !fromEnv.isBlank()) {
      Path helm = Path.of(fromEnv);
      if (!Files.isExecutable(helm)) {
        throw new IllegalStateException("HELM=" + fromEnv + " is not an executable file");
      }
      return new Helm(helm);
    }
    String cacheFromEnv = System.getenv("SLIPWAY_E2E_CACHE");
    Path cache =
        Path.of(cacheFromEnv == null || cacheFromEnv.isEmpty() ? DEFAULT_E2E_CACHE : cacheFromEnv);
    Path built = cache.resolve("helm-" + pinnedVersion()).resolve("bin/helm");
    if (Files.isExecutable(built)) {
      return new Helm(built);
    }
    throw new IllegalStateException(
        "no helm binary: HELM is not set and there is none at "
            + built
            + " (the cache directory is $SLIPWAY_E2E_CACHE, else "
            + DEFAULT_E2E_CACHE
            + "). Build it with e2e/cluster/build.sh (see e2e/README.md), point"
            + " SLIPWAY_E2E_CACHE at the cache it built into, or set HELM to a helm 3 binary.");
  }

  /** The helm version e2e/cluster/helm/go.mod requires (this module's tests run in e2e/). */
  private static String pinnedVersion() throws IOException {
    Path goMod = Path.of("cluster/helm/go.mod");
    try (Stream<String> lines = Files.lines(goMod)) {
      return lines
          .map(String::trim)
          .filter(l -> l.startsWith("require helm.sh/helm/v3 "))
          .map(l -> l.split("\\s+")[2])
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no helm.sh/helm/v3 in " + goMod));
    }
  }

  /** `helm lint --strict`; the output, or an AssertionError with it when linting fails. */
  String lint(Path chart, Path values) throws IOException, InterruptedException {
    return run(List.of("lint", "--strict", chart.toString(), "-f", values.toString()));
  }

  /** `helm template`: the manifests, or an AssertionError with helm's error. */
  String template(String release, String namespace, Path chart, Path values)
      throws IOException, InterruptedException {
    return run(
        List.of(
            "template",
            release,
            chart.toString(),
            "--namespace",
            namespace,
            "-f",
            values.toString()));
  }

  private String run(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(args);
    Command.Result helm = Command.of(command).timeout(Duration.ofSeconds(60)).run();
    if (!helm.succeeded()) {
      throw new HelmFailed(helm.toString());
    }
    return helm.stdout();
  }

  /** helm refused the chart or the values; the message holds helm's own error. */
  static final class HelmFailed extends AssertionError {
    HelmFailed(String message) {
      super(message);
    }
  }
}
