package dev.slipway.engine.registry;

import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.TransferScope;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes an image (a manifest, or an index of per-platform manifests) from the content store to one
 * name: the blobs first, several at a time, then each platform's manifest by digest, then the top
 * document under the name's tag — so the tag never points at something incomplete.
 */
final class ImagePush {
  private final RegistryTransport transport;
  private final BlobUpload blobs;
  private final int parallelism;

  ImagePush(RegistryTransport transport, BlobUpload blobs, int parallelism) {
    this.transport = transport;
    this.blobs = blobs;
    this.parallelism = parallelism;
  }

  PushReport push(
      ImageName target,
      Descriptor root,
      ContentStore content,
      List<String> mountFrom,
      RegistryAccess access,
      TransferScope transfers)
      throws IOException {
    Tally tally = new Tally();
    if (MediaTypes.isIndex(root.mediaType())) {
      ImageIndex index = ImageIndex.parse(content.read(root.digest()), "image index " + root);
      for (Descriptor child : index.manifests()) {
        if (!content.exists(child.digest())) {
          throw new RegistryException(
              target
                  + ": the index lists "
                  + child.digest()
                  + " which is not in the local store; rebuild the image before pushing",
              0);
        }
        pushManifest(
            target, child, child.digest().toString(), content, mountFrom, access, tally, transfers);
      }
      putManifest(target, root, target.reference(), content, access, transfers);
    } else {
      pushManifest(target, root, target.reference(), content, mountFrom, access, tally, transfers);
    }
    return new PushReport(
        root.digest().toString(),
        tally.existing.get(),
        tally.mounted.get(),
        tally.uploaded.get(),
        tally.bytes.get());
  }

  private static final class Tally {
    final AtomicInteger existing = new AtomicInteger();
    final AtomicInteger mounted = new AtomicInteger();
    final AtomicInteger uploaded = new AtomicInteger();
    final AtomicLong bytes = new AtomicLong();
  }

  private void pushManifest(
      ImageName target,
      Descriptor manifest,
      String reference,
      ContentStore content,
      List<String> mountFrom,
      RegistryAccess access,
      Tally tally,
      TransferScope transfers)
      throws IOException {
    Manifest m = Manifest.parse(content.read(manifest.digest()), "manifest " + manifest.digest());
    Map<String, Descriptor> distinct = new LinkedHashMap<>();
    for (Descriptor layer : m.layers()) {
      if (!MediaTypes.isForeignLayer(layer.mediaType())) {
        distinct.putIfAbsent(layer.digest().toString(), layer);
      }
    }
    distinct.putIfAbsent(m.config().digest().toString(), m.config());
    BlobTransfers.inParallel(
        distinct.values(),
        parallelism,
        "pushing " + target,
        blob -> {
          BlobUpload.Outcome outcome =
              blobs.push(target, blob, content, mountFrom, access, transfers);
          switch (outcome) {
            case EXISTED -> tally.existing.incrementAndGet();
            case MOUNTED -> tally.mounted.incrementAndGet();
            case UPLOADED -> {
              tally.uploaded.incrementAndGet();
              tally.bytes.addAndGet(blob.size());
            }
          }
        });
    putManifest(target, manifest, reference, content, access, transfers);
  }

  private void putManifest(
      ImageName target,
      Descriptor manifest,
      String reference,
      ContentStore content,
      RegistryAccess access,
      TransferScope transfers)
      throws IOException {
    byte[] body = content.read(manifest.digest());
    HttpResponse<String> response =
        transport.send(
            target,
            List.of(Scopes.push(target.repository())),
            access,
            () ->
                HttpRequest.newBuilder(transport.uri(target, access, "/manifests/" + reference))
                    .header("Content-Type", manifest.mediaType())
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      String detail = response.body().length() > 300 ? "" : " " + response.body().strip();
      throw new RegistryException(
          RegistryErrors.of(target, "manifest " + reference, response.statusCode(), true)
                  .getMessage()
              + detail,
          response.statusCode());
    }
    String digest = response.headers().firstValue("Docker-Content-Digest").orElse("");
    if (!digest.isEmpty() && !digest.equals(manifest.digest().toString())) {
      throw new RegistryException(
          target
              + ": the registry stored the manifest as "
              + digest
              + " instead of "
              + manifest.digest()
              + "; it may have rewritten it",
          0);
    }
    transfers.transferred(
        TransferKind.TRANSFER_KIND_PUSH,
        manifest.digest().toString(),
        "pushing manifest " + manifest.digest(),
        body.length);
  }
}
