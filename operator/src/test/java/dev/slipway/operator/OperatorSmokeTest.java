package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.operator.testing.InstallCrds;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The operator as deployed: Quarkus wiring, both controllers, health and metrics endpoints. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = InstallCrds.class)
class OperatorSmokeTest {

  @Inject KubernetesClient client;

  @TestHTTPResource("/q/health/ready")
  URL ready;

  @TestHTTPResource("/q/metrics")
  URL metrics;

  @Test
  void reconcilesABuilderAndServesHealthAndMetrics() throws Exception {
    Builder builder = new Builder();
    builder.setMetadata(new ObjectMetaBuilder().withName("smoke").withNamespace("default").build());
    builder.setSpec(new BuilderSpec());
    client.resource(builder).create();

    await(
        "the StatefulSet of the Builder",
        Duration.ofSeconds(30),
        () -> client.apps().statefulSets().inNamespace("default").withName("smoke").get() != null);
    assertThat(
            client
                .apps()
                .statefulSets()
                .inNamespace("default")
                .withName("smoke")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("ghcr.io/slipway-dev/slipway-builder:0.1.0");

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(ready.toURI()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\": \"UP\"");
    HttpResponse<String> scrape =
        http.send(
            HttpRequest.newBuilder(URI.create(metrics.toString())).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.body())
        .contains("slipway_buildrequests{phase=\"Queued\"}")
        .contains("slipway_build_queue_length")
        .contains("slipway_build_queue_wait_seconds_bucket{le=\"+Inf\"}");
  }
}
