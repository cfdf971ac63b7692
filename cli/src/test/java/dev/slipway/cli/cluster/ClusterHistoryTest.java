package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.RemoveHistoryRequest;
import dev.slipway.api.control.v1.RemoveHistoryResponse;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.cli.remote.BuilderAddress;
import dev.slipway.cli.remote.RemoteBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code slipway history rm --all} on a cluster: a build whose record cannot be reached is reported
 * and the others are still removed.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterHistoryTest {
  static KubernetesClient client;

  /** The records the one builder pod keeps, by build id. */
  private final Set<String> kept = ConcurrentHashMap.newKeySet();

  private Server pod;

  @BeforeEach
  void startThePod() throws Exception {
    pod =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new ControlGrpc.ControlImplBase() {
                  @Override
                  public void removeHistory(
                      RemoveHistoryRequest request,
                      StreamObserver<RemoveHistoryResponse> responses) {
                    String id = request.getBuildIds(0);
                    if (id.startsWith("expired")) {
                      responses.onError(
                          Status.UNAUTHENTICATED
                              .withDescription("the grant expired")
                              .asException());
                      return;
                    }
                    RemoveHistoryResponse.Builder r = RemoveHistoryResponse.newBuilder();
                    if (kept.remove(id)) {
                      r.addRemoved(id);
                    }
                    responses.onNext(r.build());
                    responses.onCompleted();
                  }
                })
            .build()
            .start();
  }

  @AfterEach
  void stopThePod() {
    pod.shutdownNow();
  }

  @Test
  void removeAllGoesOnPastRecordsItCannotRemoveAndReportsThem() {
    finished("a-done", "pool-0/a-1");
    finished("b-expired", "pool-0/expired-1");
    finished("c-gone-pod", "pool-9/c-1");
    finished("d-removed-before", "pool-0/d-1");
    finished("e-done", "pool-0/e-1");
    kept.addAll(List.of("a-1", "e-1"));
    ClusterConnection cluster = new ClusterConnection(client, MockCluster.NAMESPACE);
    ClusterHistory history =
        new ClusterHistory(
            cluster,
            request -> {
              if (ClusterHistory.ref(request).pod().equals("pool-9")) {
                throw new ClusterException("builder pod team-a/pool-9 does not exist");
              }
              return new BuilderTunnel(
                  () -> {},
                  RemoteBuilder.connect(new BuilderAddress("127.0.0.1", pod.getPort()), "t"));
            });
    List<String> failures = new ArrayList<>();

    List<String> removed =
        history.remove(
            history.list().stream().map(r -> r.getBuildId()).sorted().toList(), failures::add);

    assertThat(removed).containsExactly("a-done", "e-done");
    assertThat(kept).isEmpty();
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0)).startsWith("b-expired: ").contains("no longer opens its record");
    assertThat(failures.get(1)).startsWith("c-gone-pod: ").contains("pool-9 does not exist");
  }

  @Test
  void aHistoryRefThatIsNotPodSlashBuildIdIsRefusedSayingWhoseStatusHoldsIt() {
    for (String hostile : new String[] {"", "no-slash", "pod-0/", "/build-1"}) {
      BuildRequest request = new BuildRequest();
      request.setMetadata(new ObjectMetaBuilder().withName("app").build());
      BuildRequestStatus status = new BuildRequestStatus();
      status.setHistoryRef(hostile);
      request.setStatus(status);
      assertThatThrownBy(() -> ClusterHistory.ref(request))
          .as(hostile)
          .hasMessageContaining("BuildRequest app has status.historyRef")
          .hasMessageContaining("not BUILDER-POD/BUILD-ID");
    }
  }

  private static void finished(String name, String historyRef) {
    BuildRequest request = new BuildRequest();
    request.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(MockCluster.NAMESPACE).build());
    BuildRequest created = client.resource(request).create();
    BuildRequestStatus status = new BuildRequestStatus();
    status.setPhase(BuildPhase.SUCCEEDED);
    status.setHistoryRef(historyRef);
    status.setCompletionTime("2026-12-06T07:00:00Z");
    created.setStatus(status);
    client.resource(created).updateStatus();
  }
}
