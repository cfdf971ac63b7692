package dev.slipway.engine.registry;

import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.job.TransferMeter;
import dev.slipway.engine.job.TransferScope;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Puts one blob into a repository, doing as little as possible: nothing when the registry has it
 * ({@code HEAD}), a cross-repository mount when a repository of the same registry has it ({@code
 * POST ?mount=&from=}), else an upload — one {@code PUT} for blobs up to the chunk size, {@code
 * PATCH} chunks then {@code PUT} for larger ones. An upload broken by a connection error, a 5xx or
 * a registry that forgot the upload session (a restart) starts again from the existence check, a
 * bounded number of times.
 */
final class BlobUpload {

  /** How a blob came to be in the target repository. */
  enum Outcome {
    EXISTED,
    MOUNTED,
    UPLOADED
  }

  private final RegistryTransport transport;
  private final long chunkSize;

  BlobUpload(RegistryTransport transport, long chunkSize) {
    this.transport = transport;
    this.chunkSize = chunkSize;
  }

  Outcome push(
      ImageName target,
      Descriptor blob,
      ContentStore content,
      List<String> mountFrom,
      RegistryAccess access,
      TransferScope transfers)
      throws IOException {
    // started once the registry lacks the blob, so a retried upload goes on in the same meter
    TransferMeter[] meter = {null};
    Supplier<TransferMeter> upload =
        () -> {
          if (meter[0] == null) {
            meter[0] =
                transfers.start(
                    TransferKind.TRANSFER_KIND_PUSH,
                    blob.digest().toString(),
                    "pushing " + what(blob) + " " + blob.digest(),
                    blob.size());
          }
          return meter[0];
        };
    List<String> scopes = new ArrayList<>();
    scopes.add(Scopes.push(target.repository()));
    mountFrom.forEach(r -> scopes.add(Scopes.pull(r)));
    RetryPolicy retry = transport.retry();
    for (int attempt = 1; ; attempt++) {
      try {
        Outcome outcome = attempt(target, blob, content, mountFrom, scopes, access, upload);
        if (meter[0] != null) {
          meter[0].complete();
        }
        return outcome;
      } catch (RegistryException e) {
        boolean retryable =
            e.status() == 0
                || RetryPolicy.retryableStatus(e.status())
                || e.status() == 404
                || e.status() == 400;
        if (!retryable || attempt >= retry.attempts()) {
          throw e;
        }
      }
      retry.pause(attempt);
    }
  }

  private Outcome attempt(
      ImageName target,
      Descriptor blob,
      ContentStore content,
      List<String> mountFrom,
      List<String> scopes,
      RegistryAccess access,
      Supplier<TransferMeter> upload)
      throws IOException {
    String what = "blob " + blob.digest();
    HttpResponse<Void> head =
        transport.send(
            target,
            scopes,
            access,
            () ->
                HttpRequest.newBuilder(transport.uri(target, access, "/blobs/" + blob.digest()))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding());
    if (head.statusCode() == 200) {
      return Outcome.EXISTED;
    }
    if (head.statusCode() != 404) {
      throw RegistryErrors.of(target, what, head.statusCode(), true);
    }
    String query =
        mountFrom.isEmpty() ? "" : "?mount=" + blob.digest() + "&from=" + mountFrom.getFirst();
    HttpResponse<Void> start =
        transport.send(
            target,
            scopes,
            access,
            () ->
                HttpRequest.newBuilder(transport.uri(target, access, "/blobs/uploads/" + query))
                    .POST(HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding());
    if (start.statusCode() == 201) {
      return Outcome.MOUNTED;
    }
    if (start.statusCode() != 202) {
      throw RegistryErrors.of(target, "starting the upload of " + what, start.statusCode(), true);
    }
    URI location = location(target, access, start, what);
    TransferMeter meter = upload.get();
    if (blob.size() <= chunkSize) {
      putUpload(target, access, scopes, location, blob, content, meter);
    } else {
      location = patchChunks(target, access, scopes, location, blob, content, meter);
      putUpload(target, access, scopes, location, blob, null, meter);
    }
    return Outcome.UPLOADED;
  }

  /** Sends the chunks in order; returns where the upload continues. */
  private URI patchChunks(
      ImageName target,
      RegistryAccess access,
      List<String> scopes,
      URI location,
      Descriptor blob,
      ContentStore content,
      TransferMeter meter)
      throws IOException {
    try (InputStream in = content.open(blob.digest())) {
      for (long offset = 0; offset < blob.size(); ) {
        byte[] chunk = in.readNBytes((int) Math.min(chunkSize, blob.size() - offset));
        if (chunk.length == 0) {
          throw new IOException(
              "blob " + blob.digest() + " in the content store is shorter than its descriptor");
        }
        URI at = location;
        long from = offset;
        String range = offset + "-" + (offset + chunk.length - 1);
        HttpResponse<Void> response =
            transport.sendOnce(
                target,
                scopes,
                access,
                () ->
                    HttpRequest.newBuilder(at)
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", range)
                        .method(
                            "PATCH",
                            new CountingPublisher(
                                HttpRequest.BodyPublishers.ofByteArray(chunk), meter, from)),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 202) {
          throw RegistryErrors.of(
              target,
              "uploading bytes " + range + " of blob " + blob.digest(),
              response.statusCode(),
              true);
        }
        location = location(target, access, response, "blob " + blob.digest());
        offset += chunk.length;
      }
    }
    return location;
  }

  /** Completes an upload: with the whole blob as body, or (content null) after its chunks. */
  private void putUpload(
      ImageName target,
      RegistryAccess access,
      List<String> scopes,
      URI location,
      Descriptor blob,
      ContentStore content,
      TransferMeter meter)
      throws IOException {
    String sep = location.getRawQuery() == null ? "?" : "&";
    URI put = URI.create(location + sep + "digest=" + blob.digest());
    // A file publisher opens the file anew for each send, so a retry sends it from the start.
    HttpRequest.BodyPublisher body =
        content == null
            ? HttpRequest.BodyPublishers.noBody()
            : new CountingPublisher(
                HttpRequest.BodyPublishers.ofFile(content.path(blob.digest())), meter, 0);
    HttpResponse<Void> response =
        transport.sendOnce(
            target,
            scopes,
            access,
            () ->
                HttpRequest.newBuilder(put)
                    .header("Content-Type", "application/octet-stream")
                    .PUT(body),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 201) {
      throw RegistryErrors.of(
          target, "completing the upload of blob " + blob.digest(), response.statusCode(), true);
    }
  }

  /** What a blob is, for its progress: BuildKit's words. */
  private static String what(Descriptor blob) {
    String type = blob.mediaType();
    if (type.equals(MediaTypes.OCI_CONFIG) || type.equals(MediaTypes.DOCKER_CONFIG)) {
      return "config";
    }
    return type.contains("layer") ? "layer" : "blob";
  }

  private URI location(
      ImageName target, RegistryAccess access, HttpResponse<?> response, String what)
      throws RegistryException {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new RegistryException(
                        target + ": the registry gave no upload location for " + what, 502));
    return transport.location(target, access, location);
  }
}
