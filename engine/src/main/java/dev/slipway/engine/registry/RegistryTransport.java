package dev.slipway.engine.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Sends one registry request: picks http or https for the host, presents (and on a 401 obtains)
 * authorization for the request's scopes, and tries again with backoff after connection errors and
 * 5xx answers. Request bodies come from a supplier so that a retry sends them again from the start.
 */
final class RegistryTransport implements AutoCloseable {
  private final CompletableFuture<HttpClient> client;
  private final RegistryAuth auth;
  private final RetryPolicy retry;

  RegistryTransport(RetryPolicy retry) {
    // Making a client sets up TLS (providers, the trust store): about 0.2 s of a CLI's start-up.
    // It runs on a thread of its own while the engine opens its state.
    this.client =
        CompletableFuture.supplyAsync(
            () ->
                HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(30))
                    .build(),
            task -> Thread.ofPlatform().daemon().name("registry-client-setup").start(task));
    this.auth = new RegistryAuth(this::http);
    this.retry = retry;
  }

  private HttpClient http() {
    try {
      return client.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Stops the client's selector thread. A live one sits in a native call, and the JVM waits 300 ms
   * for such threads when it exits: a third of a no-op {@code --local} build.
   */
  @Override
  public void close() {
    HttpClient http = client.exceptionally(failedSetup -> null).join();
    if (http == null) {
      return; // requests reported the failure; there is no client to stop
    }
    http.shutdownNow();
    try {
      http.awaitTermination(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  RetryPolicy retry() {
    return retry;
  }

  /** The API URL of {@code path} in the repository of {@code name}. */
  URI uri(ImageName name, RegistryAccess access, String path) {
    return URI.create(base(name, access) + "/v2/" + name.repository() + path);
  }

  /** Resolves a Location header (absolute, or relative to the registry) to a URL. */
  URI location(ImageName name, RegistryAccess access, String location) {
    return URI.create(base(name, access) + "/").resolve(location);
  }

  private static String base(ImageName name, RegistryAccess access) {
    return (access.plainHttp(name) ? "http://" : "https://") + name.apiHost();
  }

  /** Sends with retries on connection errors and 5xx. */
  <T> HttpResponse<T> send(
      ImageName name,
      List<String> scopes,
      RegistryAccess access,
      Supplier<HttpRequest.Builder> request,
      HttpResponse.BodyHandler<T> body)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<T> response = sendOnce(name, scopes, access, request, body);
        if (!RetryPolicy.retryableStatus(response.statusCode()) || attempt >= retry.attempts()) {
          return response;
        }
        discard(response);
      } catch (RegistryException e) {
        if (e.status() != 0 || attempt >= retry.attempts()) {
          throw e;
        }
      }
      retry.pause(attempt);
    }
  }

  /**
   * Sends once (answering an authentication challenge if one comes); a connection failure is a
   * {@link RegistryException} with status 0.
   */
  <T> HttpResponse<T> sendOnce(
      ImageName name,
      List<String> scopes,
      RegistryAccess access,
      Supplier<HttpRequest.Builder> request,
      HttpResponse.BodyHandler<T> body)
      throws IOException {
    String host = name.registry();
    String header = auth.header(host, scopes, access).orElse(null);
    for (boolean challenged = false; ; challenged = true) {
      HttpRequest.Builder builder = request.get();
      if (header != null) {
        builder.header("Authorization", header);
      }
      HttpRequest built = builder.build();
      HttpResponse<T> response;
      try {
        response = http().send(built, body);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException("interrupted while talking to " + host, e);
      } catch (IOException e) {
        throw new RegistryException(
            "cannot reach the registry "
                + host
                + " ("
                + built.uri().getScheme()
                + "): "
                + e.getClass().getSimpleName()
                + (e.getMessage() != null ? " " + e.getMessage() : ""),
            e);
      }
      if (response.statusCode() != 401 || challenged) {
        return response;
      }
      discard(response);
      auth.forget(host, scopes, access);
      String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
      header = auth.authorize(name, challenge, scopes, access);
    }
  }

  static void discard(HttpResponse<?> response) {
    if (response.body() instanceof InputStream in) {
      try {
        in.close();
      } catch (IOException ignored) {
        // the connection is dropped either way
      }
    }
  }
}
