package dev.slipway.builder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * A small HTTP endpoint beside the gRPC port: {@code /metrics} for Prometheus, {@code /healthz}
 * (the process answers) and {@code /readyz} (the gRPC server is serving) for kubelet probes.
 */
final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer server;

  MetricsEndpoint(InetSocketAddress address, BuilderMetrics metrics, BooleanSupplier ready)
      throws IOException {
    server = HttpServer.create(address, 16);
    server.createContext(
        "/metrics", x -> reply(x, 200, "text/plain; version=0.0.4", metrics.scrape()));
    server.createContext("/healthz", x -> reply(x, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        x ->
            reply(
                x,
                ready.getAsBoolean() ? 200 : 503,
                "text/plain",
                ready.getAsBoolean() ? "ready\n" : "starting\n"));
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  private static void reply(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
