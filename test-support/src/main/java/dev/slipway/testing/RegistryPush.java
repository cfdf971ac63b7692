package dev.slipway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * Pushes blobs and a manifest to one repository of a registry without authentication (the test
 * registry on 127.0.0.1:5000) with the plain distribution API: monolithic blob uploads ({@code
 * POST} then {@code PUT ?digest=}) and a manifest {@code PUT}.
 */
final class RegistryPush {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final URI registry;
  private final String repository;

  /** {@code registry} is the base URL, e.g. {@code http://127.0.0.1:5000}. */
  RegistryPush(URI registry, String repository) {
    this.registry = registry;
    this.repository = repository;
  }

  /** Whether {@code tag} already names the manifest with {@code digest}. */
  boolean tagged(String tag, String digest, String mediaType)
      throws IOException, InterruptedException {
    HttpResponse<Void> head =
        send(
            HttpRequest.newBuilder(uri("/manifests/" + tag))
                .header("Accept", mediaType)
                .method("HEAD", BodyPublishers.noBody()));
    return head.statusCode() == 200
        && head.headers().firstValue("Docker-Content-Digest").orElse("").equals(digest);
  }

  /** Uploads {@code content} under {@code digest} unless the repository has it already. */
  void blob(String digest, byte[] content) throws IOException, InterruptedException {
    HttpResponse<Void> head =
        send(
            HttpRequest.newBuilder(uri("/blobs/" + digest))
                .method("HEAD", BodyPublishers.noBody()));
    if (head.statusCode() == 200) {
      return;
    }
    HttpResponse<String> started =
        expect(
            202,
            "start a blob upload",
            HttpRequest.newBuilder(uri("/blobs/uploads/")).POST(BodyPublishers.noBody()));
    String location =
        started
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new IOException(registry + " started an upload without a Location"));
    URI upload = registry.resolve(location);
    String query = upload.getRawQuery() == null ? "?" : "&";
    expect(
        201,
        "upload blob " + digest,
        HttpRequest.newBuilder(URI.create(upload + query + "digest=" + digest))
            .header("Content-Type", "application/octet-stream")
            .PUT(BodyPublishers.ofByteArray(content)));
  }

  /** Puts {@code manifest} under {@code tag}; its blobs must be pushed first. */
  void manifest(String tag, String mediaType, byte[] manifest)
      throws IOException, InterruptedException {
    expect(
        201,
        "put manifest " + tag,
        HttpRequest.newBuilder(uri("/manifests/" + tag))
            .header("Content-Type", mediaType)
            .PUT(BodyPublishers.ofByteArray(manifest)));
  }

  private URI uri(String path) {
    return registry.resolve("/v2/" + repository + path);
  }

  private HttpResponse<String> expect(int status, String what, HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(request.timeout(TIMEOUT).build(), BodyHandlers.ofString());
    if (response.statusCode() != status) {
      throw new IOException(
          "could not "
              + what
              + " in "
              + registry
              + "/"
              + repository
              + ": HTTP "
              + response.statusCode()
              + " "
              + response.body());
    }
    return response;
  }

  private HttpResponse<Void> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return http.send(request.timeout(TIMEOUT).build(), BodyHandlers.discarding());
  }
}
