package dev.slipway.operator.bench;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

/**
 * Time from a BuildRequest's creation to the Solve call arriving at an idle builder pod, over 100
 * requests one after another (each waits for the previous to finish, so the pod is idle). The API
 * server is the fabric8 mock server in CRUD mode and the pod an in-process fake, so the figure is
 * the operator's own latency: watch event, validation, placement (Info), status write, Solve. Run
 * {@code operator/bench/create-to-solve.sh [REQUESTS]}.
 */
public final class CreateToSolveBenchmark {

  public static void main(String[] args) throws Exception {
    int warmup = 10;
    int measured = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    try (KubernetesClient client = server.createClient();
        OperatorHarness<FakeBuilderPod> cluster =
            OperatorHarness.withFakePods(client, "bench", 4)) {
      cluster.createBuilder("idle", 1, 4);
      OperatorHarness.await(
          "a ready builder pod",
          Duration.ofSeconds(60),
          () ->
              cluster.builder("idle").getStatus() != null
                  && Integer.valueOf(1)
                      .equals(cluster.builder("idle").getStatus().getReadyReplicas()));
      FakeBuilderPod pod = cluster.pods.pod("idle-0");
      List<Double> millis = new ArrayList<>();
      for (int i = 0; i < warmup + measured; i++) {
        String name = String.format("bench-%03d", i);
        int before = pod.received().size();
        long created = System.nanoTime();
        cluster.createRequest(name, "idle", 1, s -> {});
        OperatorHarness.await(
            "the Solve of " + name, Duration.ofSeconds(30), () -> pod.received().size() > before);
        long solved = pod.received().get(before).nanoTime();
        if (i >= warmup) {
          millis.add((solved - created) / 1e6);
        }
        OperatorHarness.await(
            name + " to finish",
            Duration.ofSeconds(30),
            () -> cluster.phase(name) == BuildPhase.SUCCEEDED);
      }
      Collections.sort(millis);
      System.out.printf(
          "create-to-Solve on an idle builder, %d requests (after %d warm-up): p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
          measured,
          warmup,
          percentile(millis, 50),
          percentile(millis, 90),
          percentile(millis, 99),
          millis.get(millis.size() - 1));
    } finally {
      server.destroy();
    }
    // Informer and gRPC threads of the stopped operator must not keep the JVM alive.
    System.exit(0);
  }

  private static double percentile(List<Double> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }
}
