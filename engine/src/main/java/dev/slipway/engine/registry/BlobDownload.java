package dev.slipway.engine.registry;

import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.engine.content.BlobWriter;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.job.TransferMeter;
import dev.slipway.engine.job.TransferScope;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * Downloads one blob into the content store. When the connection breaks mid-body, the next try asks
 * for the rest only ({@code Range: bytes=N-}) and keeps what arrived; a registry that ignores the
 * range sends it whole again. The content store checks the digest and size before the blob becomes
 * visible, so a wrong or truncated download never lands under the digest's name.
 */
final class BlobDownload {
  private final RegistryTransport transport;

  BlobDownload(RegistryTransport transport) {
    this.transport = transport;
  }

  void fetch(
      ImageName name,
      Descriptor blob,
      ContentStore content,
      RegistryAccess access,
      TransferScope transfers)
      throws IOException {
    List<String> scopes = List.of(Scopes.pull(name.repository()));
    String what = "blob " + blob.digest();
    // as BuildKit names a layer it pulls: its digest
    String digest = blob.digest().toString();
    TransferMeter meter =
        transfers.start(TransferKind.TRANSFER_KIND_PULL, digest, digest, blob.size());
    BlobWriter writer = content.writer();
    try {
      for (int attempt = 1; ; attempt++) {
        long have = writer.size();
        meter.set(have);
        HttpResponse<InputStream> response =
            transport.send(
                name,
                scopes,
                access,
                () -> {
                  HttpRequest.Builder b =
                      HttpRequest.newBuilder(transport.uri(name, access, "/blobs/" + blob.digest()))
                          .GET();
                  if (have > 0) {
                    b.header("Range", "bytes=" + have + "-");
                  }
                  return b;
                },
                HttpResponse.BodyHandlers.ofInputStream());
        int status = response.statusCode();
        if (status == 200 && have > 0) {
          writer.close(); // the registry sent everything again: start over
          writer = content.writer();
          meter.set(0);
        } else if (status != 200 && status != 206) {
          RegistryTransport.discard(response);
          throw RegistryErrors.of(name, what, status, false);
        }
        try (InputStream in = meter.counting(response.body())) {
          in.transferTo(writer);
          writer.commit(blob.digest(), blob.size());
          meter.complete();
          return;
        } catch (RegistryException e) {
          throw e;
        } catch (IOException e) {
          if (e instanceof dev.slipway.engine.content.DigestMismatchException
              || attempt >= transport.retry().attempts()) {
            throw new RegistryException(
                name
                    + ": downloading "
                    + what
                    + " failed after "
                    + attempt
                    + " tries: "
                    + e.getMessage(),
                e);
          }
        }
        transport.retry().pause(attempt);
      }
    } finally {
      writer.close();
    }
  }
}
