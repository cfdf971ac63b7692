package dev.slipway.engine;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A real HTTP server (the JDK's) on one loopback address, for hostile-source tests: it serves
 * bodies, redirects, large streams and {@code git http-backend}, and records every request's path
 * and Authorization header so a test can see what a build sent where.
 */
final class LoopbackHttpServer implements AutoCloseable {

  /** One request as it arrived. */
  record Seen(String method, String path, Optional<String> authorization) {}

  /** Answers one path. */
  interface Route {
    void answer(HttpExchange exchange) throws IOException;
  }

  private final HttpServer server;
  private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private volatile Route fallback;

  private LoopbackHttpServer(HttpServer server) {
    this.server = server;
  }

  /** Starts on a free port of {@code address} (127.0.0.1, 127.0.0.2, ...). */
  static LoopbackHttpServer start(String address) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 16);
    LoopbackHttpServer s = new LoopbackHttpServer(server);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            s.seen.add(
                new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))));
            Route route = s.routes.get(exchange.getRequestURI().getPath());
            if (route == null) {
              route = s.fallback;
            }
            if (route == null) {
              exchange.sendResponseHeaders(404, -1);
            } else {
              route.answer(exchange);
            }
          } catch (IOException | RuntimeException e) {
            // the client went away (a refused download): nothing to answer
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    return s;
  }

  /** {@code http://address:port} */
  String base() {
    return "http://"
        + server.getAddress().getAddress().getHostAddress()
        + ":"
        + server.getAddress().getPort();
  }

  List<Seen> seen() {
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  boolean sawAuthorization() {
    return seen().stream().anyMatch(s -> s.authorization().isPresent());
  }

  void clearSeen() {
    seen.clear();
  }

  void route(String path, Route route) {
    routes.put(path, route);
  }

  /** Serves {@code body} at {@code path}, only with {@code authorization} when that is given. */
  void serve(String path, String body, Optional<String> authorization) {
    route(
        path,
        ex -> {
          String given = ex.getRequestHeaders().getFirst("Authorization");
          if (authorization.isPresent() && !authorization.get().equals(given)) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
            ex.sendResponseHeaders(401, -1);
            return;
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, bytes.length);
          ex.getResponseBody().write(bytes);
        });
  }

  void redirect(String path, String location) {
    route(
        path,
        ex -> {
          ex.getResponseHeaders().add("Location", location);
          ex.sendResponseHeaders(302, -1);
        });
  }

  /**
   * Serves {@code size} bytes of zeros at {@code path}, announcing the length only when {@code
   * announce}; otherwise chunked, so only counting what arrives can stop it.
   */
  void stream(String path, long size, boolean announce) {
    route(
        path,
        ex -> {
          ex.sendResponseHeaders(200, announce ? size : 0);
          byte[] chunk = new byte[1 << 16];
          try (OutputStream out = ex.getResponseBody()) {
            for (long sent = 0; sent < size; sent += chunk.length) {
              out.write(chunk, 0, (int) Math.min(chunk.length, size - sent));
            }
          }
        });
  }

  /**
   * Serves the bare repositories under {@code root} over git's smart HTTP protocol, through the
   * real {@code git http-backend} CGI program.
   */
  void gitBackend(Path root) {
    fallback = ex -> gitHttpBackend(root, ex);
  }

  private static void gitHttpBackend(Path root, HttpExchange ex) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = pb.environment();
    env.put("GIT_PROJECT_ROOT", root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("REQUEST_METHOD", ex.getRequestMethod());
    env.put("PATH_INFO", ex.getRequestURI().getPath());
    env.put("QUERY_STRING", Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse(""));
    env.put("REMOTE_ADDR", "127.0.0.1");
    Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type"))
        .ifPresent(v -> env.put("CONTENT_TYPE", v));
    Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Encoding"))
        .ifPresent(v -> env.put("HTTP_CONTENT_ENCODING", v));
    Optional.ofNullable(ex.getRequestHeaders().getFirst("Git-Protocol"))
        .ifPresent(v -> env.put("GIT_PROTOCOL", v));
    byte[] request = ex.getRequestBody().readAllBytes();
    env.put("CONTENT_LENGTH", String.valueOf(request.length));
    Path err = Files.createTempFile("http-backend", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(request);
    }
    byte[] out;
    try (InputStream o = p.getInputStream()) {
      out = o.readAllBytes();
    }
    Files.deleteIfExists(err);
    int[] split = headerSplit(out);
    int end = split[0];
    int status = 200;
    for (String line : new String(out, 0, end, StandardCharsets.ISO_8859_1).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        ex.getResponseHeaders().add(name, value);
      }
    }
    int bodyStart = split[1];
    int length = out.length - bodyStart;
    ex.sendResponseHeaders(status, length == 0 ? -1 : length);
    if (length > 0) {
      ex.getResponseBody().write(out, bodyStart, length);
    }
  }

  /** Where the CGI headers end and the body starts (after the blank line). */
  private static int[] headerSplit(byte[] out) {
    for (int i = 0; i + 1 < out.length; i++) {
      if (out[i] == '\n' && out[i + 1] == '\n') {
        return new int[] {i, i + 2};
      }
      if (i + 3 < out.length
          && out[i] == '\r'
          && out[i + 1] == '\n'
          && out[i + 2] == '\r'
          && out[i + 3] == '\n') {
        return new int[] {i, i + 4};
      }
    }
    return new int[] {out.length, out.length};
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
