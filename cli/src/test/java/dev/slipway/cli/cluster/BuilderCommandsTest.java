package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderPodStatus;
import dev.slipway.api.resource.BuilderStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code slipway builder create|ls|inspect|rm} against a mock API server. */
@EnableKubernetesMockClient(crud = true)
class BuilderCommandsTest {
  KubernetesClient client;
  @TempDir Path dir;
  MockCluster cluster;

  @BeforeEach
  void kubeconfig() throws Exception {
    cluster = new MockCluster(client, dir);
  }

  @Test
  void createWritesTheBuilderSpecFromTheFlags() {
    MockCluster.Run create =
        cluster.run(
            "builder",
            "create",
            "big",
            "--replicas",
            "3",
            "--max-parallel-builds",
            "4",
            "--cache-size",
            "100Gi",
            "--image",
            "127.0.0.1:5000/slipway-builder:dev");
    assertThat(create.exitCode()).as(create.toString()).isZero();
    assertThat(create.out()).contains("Builder team-a/big created");

    Builder big = builder("big");
    assertThat(big.getSpec().getReplicas()).isEqualTo(3);
    assertThat(big.getSpec().getMaxParallelBuilds()).isEqualTo(4);
    assertThat(big.getSpec().getCache().getSize().toString()).isEqualTo("100Gi");
    assertThat(big.getSpec().getImage()).isEqualTo("127.0.0.1:5000/slipway-builder:dev");

    MockCluster.Run again = cluster.run("builder", "create", "big");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("Builder big already exists in namespace team-a");
  }

  @Test
  void createDefaultsAndRefusesBadSizes() {
    assertThat(cluster.run("builder", "create", "default").exitCode()).isZero();
    Builder d = builder("default");
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getMaxParallelBuilds()).isEqualTo(2);
    assertThat(d.getSpec().getCache().getSize().toString()).isEqualTo("20Gi");
    assertThat(d.getSpec().getImage()).isNull();

    MockCluster.Run bad = cluster.run("builder", "create", "x", "--cache-size", "lots");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--cache-size lots: expected a size such as 20Gi");
    assertThat(builder("x")).isNull();
  }

  @Test
  void lsShowsReadyAndDesiredPods() {
    cluster.run("builder", "create", "default", "--replicas", "2");
    cluster.run("builder", "create", "big", "--replicas", "3");
    reportStatus("default", 1, List.of());

    MockCluster.Run ls = cluster.run("builder", "ls");
    assertThat(ls.exitCode()).as(ls.toString()).isZero();
    List<String> lines = ls.out().lines().toList();
    assertThat(lines.get(0)).matches("NAME\\s+READY\\s+REPLICAS\\s+AGE");
    assertThat(lines.get(1)).matches("big\\s+0\\s+3\\s+\\d+s");
    assertThat(lines.get(2)).matches("default\\s+1\\s+2\\s+\\d+s");
  }

  @Test
  void inspectShowsEachPodsLoadAndCache() {
    cluster.run("builder", "create", "default", "--replicas", "2");
    BuilderPodStatus busy = pod("default-0", true, 2, 2, 3_200_000_000L);
    BuilderPodStatus starting = pod("default-1", false, 0, 2, 0L);
    reportStatus("default", 1, List.of(busy, starting));

    MockCluster.Run inspect = cluster.run("builder", "inspect", "default");
    assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
    assertThat(inspect.out())
        .contains("Name:                default")
        .contains("Namespace:           team-a")
        .contains("Replicas:            1 ready of 2")
        .contains("Max parallel builds: 2 per pod")
        .contains("Cache:               20Gi per pod")
        .contains("Ready=True: 1 of 2 pods ready");
    assertThat(inspect.out().lines())
        .anyMatch(l -> l.matches("\\s+default-0\\s+true\\s+2/2\\s+3\\.2GB\\s+default-0\\..*"))
        .anyMatch(l -> l.matches("\\s+default-1\\s+false\\s+0/2\\s+0B\\s+default-1\\..*"));

    MockCluster.Run missing = cluster.run("builder", "inspect", "nope");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err())
        .contains("Builder nope not found in namespace team-a; slipway builder ls -n team-a");
  }

  @Test
  void rmDeletesTheBuilder() {
    cluster.run("builder", "create", "default");
    MockCluster.Run rm = cluster.run("builder", "rm", "default");
    assertThat(rm.exitCode()).as(rm.toString()).isZero();
    assertThat(rm.out()).contains("Builder team-a/default deleted");
    assertThat(builder("default")).isNull();

    MockCluster.Run again = cluster.run("builder", "rm", "default");
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("Builder default not found in namespace team-a");
  }

  @Test
  void theNamespaceFlagOverridesTheContexts() {
    assertThat(cluster.run("builder", "create", "ci", "-n", "ci").exitCode()).isZero();
    assertThat(client.resources(Builder.class).inNamespace("ci").withName("ci").get()).isNotNull();
    assertThat(builder("ci")).isNull();
    assertThat(cluster.run("builder", "ls", "--namespace", "ci").out()).contains("ci");
  }

  private Builder builder(String name) {
    return client.resources(Builder.class).inNamespace(MockCluster.NAMESPACE).withName(name).get();
  }

  /** What the operator would write after probing the pods. */
  private void reportStatus(String name, int ready, List<BuilderPodStatus> pods) {
    Builder b = builder(name);
    BuilderStatus status = new BuilderStatus();
    status.setReadyReplicas(ready);
    status.setReplicas(b.getSpec().getReplicas());
    status.setPods(pods);
    status.setConditions(
        List.of(
            new ConditionBuilder()
                .withType("Ready")
                .withStatus("True")
                .withMessage(ready + " of " + b.getSpec().getReplicas() + " pods ready")
                .build()));
    b.setStatus(status);
    client.resource(b).updateStatus();
  }

  private static BuilderPodStatus pod(
      String name, boolean ready, int active, int max, long cacheBytes) {
    BuilderPodStatus p = new BuilderPodStatus();
    p.setName(name);
    p.setReady(ready);
    p.setActiveBuilds(active);
    p.setMaxParallelBuilds(max);
    p.setCacheBytes(cacheBytes);
    p.setEndpoint(name + ".default.team-a.svc:7777");
    return p;
  }
}
