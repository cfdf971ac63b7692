package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesMetricsLivenessAndReadinessThatFollowsTheServer() throws Exception {
    BuilderMetrics metrics = new BuilderMetrics(() -> 1, () -> 0);
    AtomicBoolean serving = new AtomicBoolean(false);
    try (MetricsEndpoint endpoint =
        new MetricsEndpoint(new InetSocketAddress("127.0.0.1", 0), metrics, serving::get)) {
      String base = "http://127.0.0.1:" + endpoint.address().getPort();

      HttpResponse<String> scrape = get(base + "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4");
      assertThat(scrape.body()).contains("slipway_builds_active 1.0");

      assertThat(get(base + "/healthz").body()).isEqualTo("ok\n");

      HttpResponse<String> starting = get(base + "/readyz");
      assertThat(starting.statusCode()).isEqualTo(503);
      assertThat(starting.body()).isEqualTo("starting\n");
      serving.set(true);
      HttpResponse<String> ready = get(base + "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).isEqualTo("ready\n");
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
