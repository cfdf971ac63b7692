package dev.slipway.cli.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.cli.cluster.Kubeconfigs;
import dev.slipway.cli.usage.UsageException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which engine {@code slipway build} uses, and where the kubeconfig that decides it comes from. */
class BuildModeTest {
  @TempDir Path home;

  @Test
  void aKubeconfigMakesTheClusterTheDefault() {
    assertThat(BuildMode.choose(false, null, true, null)).isEqualTo(BuildMode.CLUSTER);
    assertThat(BuildMode.choose(false, "big", true, null)).isEqualTo(BuildMode.CLUSTER);
  }

  @Test
  void withoutAKubeconfigTheEmbeddedEngineBuilds() {
    assertThat(BuildMode.choose(false, null, false, null)).isEqualTo(BuildMode.LOCAL);
  }

  @Test
  void localAndGrpcBuildersWinOverAKubeconfig() {
    assertThat(BuildMode.choose(true, null, true, null)).isEqualTo(BuildMode.LOCAL);
    assertThat(BuildMode.choose(false, "grpc://127.0.0.1:7777", true, null))
        .isEqualTo(BuildMode.DIRECT);
    assertThat(BuildMode.choose(false, "grpc://127.0.0.1:7777", false, null))
        .isEqualTo(BuildMode.DIRECT);
    assertThat(BuildMode.choose(false, "grpcs://builder.example:7443", true, null))
        .isEqualTo(BuildMode.DIRECT);
  }

  @Test
  void contradictoryFlagsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> BuildMode.choose(true, "grpc://127.0.0.1:7777", true, null))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--local and --builder grpc://127.0.0.1:7777 exclude each other");
    assertThatThrownBy(() -> BuildMode.choose(true, null, true, "--context kind"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--context kind selects a cluster, but --local");
    assertThatThrownBy(() -> BuildMode.choose(false, "grpc://h:1", true, "--namespace ci"))
        .hasMessageContaining("--namespace ci selects a cluster");
  }

  @Test
  void aBuilderNameNeedsAKubeconfig() {
    assertThatThrownBy(() -> BuildMode.choose(false, "big", false, null))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--builder big needs a Kubernetes cluster")
        .hasMessageContaining("--local");
    assertThatThrownBy(() -> BuildMode.choose(false, null, false, "--context kind"))
        .hasMessageContaining("--context kind needs a Kubernetes cluster");
  }

  @Test
  void aBuilderThatIsNeitherANameNorAGrpcUrlIsRefused() {
    assertThatThrownBy(() -> BuildMode.choose(false, "127.0.0.1:7777", true, null))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("expected the name of a Builder")
        .hasMessageContaining("grpc://HOST:PORT");
  }

  @Test
  void kubeconfigComesFromTheFlagThenTheVariableThenHome() throws Exception {
    Path standard = Files.createDirectories(home.resolve(".kube")).resolve("config");
    assertThat(Kubeconfigs.find(null, Map.of(), home)).isEmpty();

    Files.writeString(standard, "apiVersion: v1\n");
    assertThat(Kubeconfigs.find(null, Map.of(), home)).containsExactly(standard);

    Path listed = Files.writeString(home.resolve("ci.yaml"), "apiVersion: v1\n");
    String variable = home.resolve("absent.yaml") + File.pathSeparator + listed;
    assertThat(Kubeconfigs.find(null, Map.of("KUBECONFIG", variable), home))
        .containsExactly(listed);

    // $KUBECONFIG naming only absent files means no kubeconfig, as for kubectl: home is not read
    assertThat(Kubeconfigs.find(null, Map.of("KUBECONFIG", home + "/absent.yaml"), home)).isEmpty();

    assertThat(Kubeconfigs.find(listed, Map.of("KUBECONFIG", "x"), home)).containsExactly(listed);
    assertThatThrownBy(() -> Kubeconfigs.find(home.resolve("nope"), Map.of(), home))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--kubeconfig " + home.resolve("nope") + ": no such file");
  }
}
