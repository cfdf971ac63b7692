package dev.slipway.engine.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback proxy in front of a real registry that breaks the first blob download after {@code
 * cutAfter} bytes (as a dropped connection would) and passes everything else through, recording the
 * Range headers it forwards.
 */
final class CuttingProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String upstream;
  private final long cutAfter;
  private final AtomicBoolean cut = new AtomicBoolean();
  private final List<String> ranges = new CopyOnWriteArrayList<>();

  CuttingProxy(String upstreamHost, long cutAfter) throws IOException {
    this.upstream = "http://" + upstreamHost;
    this.cutAfter = cutAfter;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", this::forward);
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  List<String> ranges() {
    return ranges;
  }

  private void forward(HttpExchange exchange) throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.noBody());
    for (String h : List.of("Accept", "Range")) {
      String v = exchange.getRequestHeaders().getFirst(h);
      if (v != null) {
        request.header(h, v);
        if (h.equals("Range")) {
          ranges.add(v);
        }
      }
    }
    HttpResponse<InputStream> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    response
        .headers()
        .map()
        .forEach(
            (k, v) -> {
              if (!k.equalsIgnoreCase("content-length")
                  && !k.equalsIgnoreCase("transfer-encoding")) {
                exchange.getResponseHeaders().put(k, v);
              }
            });
    long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
    boolean cutThis =
        exchange.getRequestURI().getPath().contains("/blobs/")
            && length > cutAfter
            && cut.compareAndSet(false, true);
    exchange.sendResponseHeaders(response.statusCode(), length == 0 ? -1 : length);
    try (InputStream in = response.body();
        OutputStream out = exchange.getResponseBody()) {
      if (cutThis) {
        out.write(in.readNBytes((int) cutAfter));
        out.flush();
        throw new IOException("cut on purpose");
      }
      in.transferTo(out);
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
