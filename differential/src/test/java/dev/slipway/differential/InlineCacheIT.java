package dev.slipway.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The inline cache between Slipway and the oracle, through the registry on 127.0.0.1:5000: both
 * write BuildKit's {@code moby.buildkit.cache.v0} and each reads the other's without error. Neither
 * reuses a step of the other's, since the records are keyed by each tool's own step keys
 * (docs/cli.md says why); a Slipway build reusing Slipway's inline cache is {@code
 * RemoteCacheTest}.
 */
class InlineCacheIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path WORK = REPO.resolve("differential/target/inline-cache");
  private static Oracle oracle;

  @BeforeAll
  static void startOracle() throws Exception {
    oracle = Oracle.start(REPO, WORK.resolve("buildkit"));
  }

  @AfterAll
  static void stopOracle() throws Exception {
    if (oracle != null) {
      oracle.close();
    }
  }

  private static Path context(String name) throws Exception {
    Path dir = Files.createDirectories(WORK.resolve(name));
    // the output shows whether the step ran; a nonce keeps an earlier run's cache out
    Files.writeString(
        dir.resolve("Dockerfile"),
        "FROM 127.0.0.1:5000/busybox:latest\nRUN echo ran-" + System.nanoTime() + "-$((6*7))\n");
    return dir;
  }

  private static int slipway(Path context, Path log, String... flags) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                REPO.resolve("bin/slipway").toString(), "build", "--local", "--progress=plain"));
    command.addAll(List.of(flags));
    command.add(context.toString());
    return HostProcess.run(
        command, Map.of("SLIPWAY_STATE", WORK.resolve("slipway-state").toString()), log, 600);
  }

  @Test
  void slipwayReadsTheOraclesInlineCacheWithoutError() throws Exception {
    Path context = context("from-oracle");
    String image = "127.0.0.1:5000/slipway-it/inline-oracle:" + System.nanoTime();
    int pushed =
        oracle.buildctl(
            List.of(
                "build",
                "--progress=plain",
                "--frontend=dockerfile.v0",
                "--local=context=" + context,
                "--local=dockerfile=" + context,
                "--output=type=image,name=" + image + ",push=true",
                "--export-cache=type=inline"),
            WORK.resolve("oracle-push.log"));
    assertThat(pushed).as(HostProcess.tail(WORK.resolve("oracle-push.log"), 30)).isZero();
    String config =
        HostProcess.output(
            WORK,
            "skopeo",
            "inspect",
            "--tls-verify=false",
            "--config",
            "--raw",
            "docker://" + image);
    assertThat(config).contains("\"moby.buildkit.cache.v0\"");

    Path log = WORK.resolve("slipway-from-oracle.log");
    int status = slipway(context, log, "--cache-from", "type=registry,ref=" + image);

    String output = Files.readString(log);
    assertThat(status).as(output).isZero();
    assertThat(output).contains("-42").doesNotContain("not valid");
  }

  @Test
  void theOracleReadsSlipwaysInlineCacheWithoutError() throws Exception {
    Path context = context("from-slipway");
    String image = "127.0.0.1:5000/slipway-it/inline-slipway:" + System.nanoTime();
    Path pushLog = WORK.resolve("slipway-push.log");
    assertThat(slipway(context, pushLog, "--cache-to", "type=inline", "--push", "-t", image))
        .as(Files.readString(pushLog))
        .isZero();
    String config =
        HostProcess.output(
            WORK,
            "skopeo",
            "inspect",
            "--tls-verify=false",
            "--config",
            "--raw",
            "docker://" + image);
    assertThat(config).contains("\"moby.buildkit.cache.v0\"");

    Path log = WORK.resolve("oracle-from-slipway.log");
    int status =
        oracle.buildctl(
            List.of(
                "build",
                "--progress=plain",
                "--frontend=dockerfile.v0",
                "--local=context=" + context,
                "--local=dockerfile=" + context,
                "--import-cache=type=registry,ref=" + image),
            log);

    assertThat(status).as(HostProcess.tail(log, 30)).isZero();
    assertThat(Files.readString(log)).contains("-42");
  }
}
