package dev.slipway.engine.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.ImageStore;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.TransferScope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine's OCI distribution client. Pull resolves a tag or digest to a manifest (choosing the
 * platform from an index) and fetches the config and the layers the store lacks, several at a time,
 * each verified and resumable. Push uploads what the registry lacks and then the manifests. Both
 * speak anonymous, basic and bearer-token auth and retry transient failures with backoff.
 *
 * <p>Written on {@code java.net.http} rather than jib-core: Jib's {@code RegistryClient} is outside
 * its stable API, and neither it nor the ORAS SDK offers resumable pulls or chunked uploads.
 */
public final class RegistryClient implements AutoCloseable {
  private static final String ACCEPT =
      String.join(
          ", ",
          MediaTypes.OCI_INDEX,
          MediaTypes.OCI_MANIFEST,
          MediaTypes.DOCKER_MANIFEST_LIST,
          MediaTypes.DOCKER_MANIFEST);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The largest manifest or index read (distribution's own limit for a manifest it accepts): a
   * larger one is refused rather than held in memory.
   */
  public static final int MAX_MANIFEST_BYTES = 4 << 20;

  /** Blobs up to this size are uploaded in one request; larger ones in chunks of this size. */
  public static final long DEFAULT_CHUNK_SIZE = 32L << 20;

  private final RegistryTransport transport;
  private final BlobDownload downloads;
  private final ImagePush pushes;
  private final int parallelism;

  public RegistryClient() {
    this(RetryPolicy.DEFAULT, DEFAULT_CHUNK_SIZE, 4);
  }

  /**
   * @param parallelism blobs transferred at the same time per image
   */
  public RegistryClient(RetryPolicy retry, long chunkSize, int parallelism) {
    this.transport = new RegistryTransport(retry);
    this.downloads = new BlobDownload(transport);
    this.pushes = new ImagePush(transport, new BlobUpload(transport, chunkSize), parallelism);
    this.parallelism = parallelism;
  }

  /** Stops the HTTP client; requests still running fail. */
  @Override
  public void close() {
    transport.close();
  }

  /**
   * Pulls {@code name} for {@code platform} into {@code content}; returns the descriptor of the
   * manifest (or index) the name points at, to be tagged in an image store. Blobs already in the
   * store are not fetched.
   */
  public Descriptor pull(
      ImageName name, Platform platform, ContentStore content, RegistryAccess access)
      throws IOException {
    return pull(name, platform, content, access, TransferScope.NONE);
  }

  /** The same, each blob's bytes counted in {@code transfers}. */
  public Descriptor pull(
      ImageName name,
      Platform platform,
      ContentStore content,
      RegistryAccess access,
      TransferScope transfers)
      throws IOException {
    Fetched top = fetchManifest(name, name.reference(), access);
    content.ingest(new ByteArrayInputStream(top.bytes()), top.descriptor().digest());
    Descriptor manifest = top.descriptor();
    if (MediaTypes.isIndex(manifest.mediaType())) {
      ImageIndex index = ImageIndex.parse(top.bytes(), "image index of " + name);
      manifest = ImageStore.selectPlatform(index, platform, manifest);
      if (!content.exists(manifest.digest())) {
        Fetched chosen = fetchManifest(name, manifest.digest().toString(), access);
        content.ingest(new ByteArrayInputStream(chosen.bytes()), manifest.digest());
      }
    }
    Manifest m = Manifest.parse(content.read(manifest.digest()), "manifest of " + name);
    List<Descriptor> missing = new ArrayList<>();
    for (Descriptor blob : concat(m.config(), m.layers())) {
      if (!content.exists(blob.digest()) && !MediaTypes.isForeignLayer(blob.mediaType())) {
        missing.add(blob);
      }
    }
    fetchAll(name, missing, content, access, transfers);
    return top.descriptor();
  }

  /**
   * Pushes the image or index {@code root} from {@code content} to {@code target} (its tag, or its
   * digest). Blobs the target repository lacks are mounted from the {@code mountFrom} repositories
   * of the same registry when they have them, else uploaded.
   */
  public PushReport push(
      ImageName target,
      Descriptor root,
      ContentStore content,
      List<String> mountFrom,
      RegistryAccess access)
      throws IOException {
    return push(target, root, content, mountFrom, access, TransferScope.NONE);
  }

  /** The same, each uploaded blob's bytes and each manifest counted in {@code transfers}. */
  public PushReport push(
      ImageName target,
      Descriptor root,
      ContentStore content,
      List<String> mountFrom,
      RegistryAccess access,
      TransferScope transfers)
      throws IOException {
    List<String> sources =
        mountFrom.stream().filter(r -> !r.equals(target.repository())).distinct().toList();
    return pushes.push(target, root, content, sources, access, transfers);
  }

  /** The descriptor {@code name} resolves to in its registry, without fetching anything else. */
  public Descriptor resolve(ImageName name, RegistryAccess access) throws IOException {
    return fetchManifest(name, name.reference(), access).descriptor();
  }

  /**
   * The digest {@code name} has in its registry for this build: a HEAD of the manifest with the
   * build's own credentials. A build asks this before it uses content another build fetched or
   * made; the answer is kept for the rest of the build (one request per image per build), never for
   * another build.
   *
   * @throws RegistryException when the registry refuses (a login is needed, access denied), does
   *     not have it, or cannot be reached
   */
  public Digest resolveDigest(ImageName name, RegistryAccess access) throws IOException {
    String key = name.registry() + "/" + name.repository() + "|" + name.reference();
    Digest known = access.resolved(key);
    if (known != null) {
      return known;
    }
    HttpResponse<Void> response =
        transport.send(
            name,
            List.of(Scopes.pull(name.repository())),
            access,
            () ->
                HttpRequest.newBuilder(
                        transport.uri(name, access, "/manifests/" + name.reference()))
                    .header("Accept", ACCEPT)
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.discarding());
    if (response.statusCode() != 200) {
      throw RegistryErrors.of(name, "manifest " + name.reference(), response.statusCode(), false);
    }
    Optional<String> header = response.headers().firstValue("Docker-Content-Digest");
    Digest digest;
    try {
      digest =
          header.isPresent()
              ? Digest.parse(header.get().trim())
              : fetchManifest(name, name.reference(), access).descriptor().digest();
    } catch (IllegalArgumentException e) {
      throw new RegistryException(name + ": the registry answered with a malformed digest", 0);
    }
    if (name.reference().startsWith("sha256:") && !digest.toString().equals(name.reference())) {
      throw new RegistryException(
          name + ": the registry answered for " + digest + " when asked for " + name.reference(),
          0);
    }
    access.resolved(key, digest);
    return digest;
  }

  /** The bytes of the manifest or index {@code reference} in the repository of {@code name}. */
  public byte[] manifest(ImageName name, String reference, RegistryAccess access)
      throws IOException {
    return fetchManifest(name, reference, access).bytes();
  }

  /**
   * The manifest or index {@code reference} in the repository of {@code name}, with its descriptor
   * (media type from the registry's answer, else from the document); a digest reference is checked
   * against the bytes.
   */
  public Fetched fetch(ImageName name, String reference, RegistryAccess access) throws IOException {
    return fetchManifest(name, reference, access);
  }

  /** Fetches blobs into the store, several at a time. */
  public void fetchAll(
      ImageName name, List<Descriptor> blobs, ContentStore content, RegistryAccess access)
      throws IOException {
    fetchAll(name, blobs, content, access, TransferScope.NONE);
  }

  /** The same, each blob's bytes counted in {@code transfers}. */
  public void fetchAll(
      ImageName name,
      List<Descriptor> blobs,
      ContentStore content,
      RegistryAccess access,
      TransferScope transfers)
      throws IOException {
    BlobTransfers.inParallel(
        blobs,
        parallelism,
        "pulling " + name,
        blob -> downloads.fetch(name, blob, content, access, transfers));
  }

  private static List<Descriptor> concat(Descriptor first, List<Descriptor> rest) {
    List<Descriptor> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  /** A manifest or index as the registry sent it. */
  public record Fetched(Descriptor descriptor, byte[] bytes) {}

  private Fetched fetchManifest(ImageName name, String reference, RegistryAccess access)
      throws IOException {
    HttpResponse<byte[]> response =
        transport.send(
            name,
            List.of(Scopes.pull(name.repository())),
            access,
            () ->
                HttpRequest.newBuilder(transport.uri(name, access, "/manifests/" + reference))
                    .header("Accept", ACCEPT)
                    .GET(),
            LimitedBody.handler(MAX_MANIFEST_BYTES));
    if (response.statusCode() != 200) {
      throw RegistryErrors.of(name, "manifest " + reference, response.statusCode(), false);
    }
    byte[] body = response.body();
    if (body == null) {
      throw new RegistryException(
          name
              + ": the manifest "
              + reference
              + " is larger than "
              + (MAX_MANIFEST_BYTES >> 20)
              + " MiB; refused",
          0);
    }
    String mediaType =
        response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    if (!MediaTypes.isManifest(mediaType) && !MediaTypes.isIndex(mediaType)) {
      mediaType = JSON.readTree(body).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
    }
    Digest digest = Digest.of(body);
    if (reference.startsWith("sha256:") && !digest.toString().equals(reference)) {
      throw new RegistryException(
          name + ": the registry sent a manifest whose digest is " + digest + ", not " + reference,
          0);
    }
    return new Fetched(Descriptor.of(mediaType, digest, body.length), body);
  }
}
