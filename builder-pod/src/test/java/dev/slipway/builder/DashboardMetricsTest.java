package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.EngineConfig;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.testing.Busybox;
import dev.slipway.testing.PrometheusNames;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's Grafana dashboard against a real builder's {@code /metrics} after real builds: every
 * series the dashboard queries is exposed by the builder, except the operator's (checked on the e2e
 * cluster by ObservabilityJourney). A renamed metric fails here without a cluster.
 */
class DashboardMetricsTest {
  private static final Path DASHBOARD =
      Path.of(System.getProperty("user.dir"))
          .getParent()
          .resolve("deploy/helm/slipway/files/slipway-dashboard.json");

  /** What the dashboard reads from the operator rather than from builder pods. */
  private static final Set<String> OPERATOR =
      Set.of(
          "slipway_buildrequests",
          "slipway_build_queue_length",
          "slipway_build_queue_wait_seconds_bucket");

  @TempDir Path state;

  @Test
  void everyBuilderSeriesTheDashboardQueriesIsExposedAfterABuild() throws Exception {
    Set<String> queried = dashboardNames();
    assertThat(queried).as("the dashboard's operator panels").containsAll(OPERATOR);

    String scrape;
    try (Engine engine = Engine.open(EngineConfig.defaults(state));
        BuilderServer server =
            new BuilderServer(
                engine,
                new BuilderServer.Settings(
                    List.of(new InetSocketAddress("127.0.0.1", 0)),
                    CallerSource.anyone("tester"),
                    Optional.empty(),
                    1,
                    Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(60),
                    "test",
                    1L << 30))) {
      List<SolveEvent> events = build(server.port());
      assertThat(events.getLast().hasResult()).as("%s", events.getLast()).isTrue();
      scrape = scrape(server.metricsAddress().orElseThrow().getPort());
    }

    Set<String> missing = new TreeSet<>(queried);
    missing.removeAll(OPERATOR);
    missing.removeAll(PrometheusNames.exposed(scrape));
    assertThat(missing).as("queried by the dashboard, not exposed by the builder").isEmpty();
    assertThat(scrape).contains("slipway_builds_total{result=\"succeeded\"} 1.0");
    assertThat(scrape.lines().filter(l -> l.startsWith("slipway_cache_keep_bytes ")))
        .singleElement()
        .satisfies(l -> assertThat(Double.parseDouble(l.split(" ")[1])).isEqualTo(0x1p30));
  }

  /** The metric names of every panel's queries and of the template variables. */
  static Set<String> dashboardNames() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode expr : dashboard.findValues("expr")) {
      names.addAll(PrometheusNames.queried(expr.asText()));
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if ("query".equals(variable.path("type").asText())) {
        // label_values(METRIC{...}, label): the metric is the function's first argument
        String query = variable.path("query").path("query").asText();
        names.addAll(
            PrometheusNames.queried(query.replaceFirst("^label_values\\((.*),[^,]*\\)$", "$1")));
      }
    }
    return names;
  }

  private static List<SolveEvent> build(int port) {
    String dockerfile =
        "FROM " + Busybox.IN_REGISTRY + "\nRUN echo dashboard-" + UUID.randomUUID() + " > /x\n";
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      List<SolveEvent> events = new ArrayList<>();
      ControlGrpc.newBlockingStub(channel)
          .withDeadlineAfter(2, TimeUnit.MINUTES)
          .solve(
              SolveRequest.newBuilder()
                  .setBuildId("dashboard-1")
                  .setContext(
                      BuildContext.newBuilder()
                          .setInline(
                              InlineContext.newBuilder()
                                  .putFiles("Dockerfile", ByteString.copyFromUtf8(dockerfile))))
                  .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
                  .build())
          .forEachRemaining(events::add);
      return events;
    } finally {
      channel.shutdownNow();
    }
  }

  private static String scrape(int port) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
