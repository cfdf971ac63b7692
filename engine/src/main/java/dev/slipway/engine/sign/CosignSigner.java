package dev.slipway.engine.sign;

import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.PushReport;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.registry.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Signs a pushed image in cosign's format, so {@code cosign verify --key} accepts it: the simple
 * signing payload as a layer ({@code application/vnd.dev.cosign.simplesigning.v1+json}) with its
 * ECDSA signature in the annotation {@code dev.cosignproject.cosign/signature}, in an OCI manifest
 * tagged {@code sha256-<hex>.sig} in the image's repository. Signatures already there (another
 * key's, an earlier build's) are kept and this one is appended, as cosign does; when this key has
 * already signed the same payload nothing is pushed.
 */
public final class CosignSigner {
  public static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

  /** Signatures kept from an existing signature manifest: a registry's answer is hostile. */
  static final int MAX_SIGNATURES = 256;

  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private final RegistryClient registry;
  private final ContentStore content;

  public CosignSigner(RegistryClient registry, ContentStore content) {
    this.registry = registry;
    this.content = content;
  }

  /**
   * Signs the manifest or index {@code digest} pushed in the repository of {@code image}.
   *
   * @return the signature's reference, {@code registry/repo:sha256-<hex>.sig@sha256:…}
   */
  public String sign(ImageName image, Digest digest, SigningKey key, RegistryAccess access)
      throws IOException {
    ImageName target =
        new ImageName(image.registry(), image.repository(), signatureTag(digest), null);
    byte[] payload = SimpleSigningPayload.of(image, digest);
    Digest payloadDigest = Digest.of(payload);
    List<Descriptor> layers = new ArrayList<>();
    Existing existing = existing(target, access);
    if (existing != null) {
      for (Descriptor layer : existing.manifest().layers()) {
        if (signedByThisKey(layer, payloadDigest, payload, key)) {
          return target + "@" + existing.digest();
        }
        layers.add(layer);
      }
    }
    content.ingest(payload);
    layers.add(
        Descriptor.of(SIMPLE_SIGNING, payloadDigest, payload.length)
            .withAnnotations(
                Map.of(
                    SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(key.sign(payload)))));
    byte[] config = config(layers);
    content.ingest(config);
    Manifest manifest = Manifest.oci(Descriptor.of(MediaTypes.OCI_CONFIG, config), layers);
    byte[] json = manifest.toJson();
    content.ingest(json);
    PushReport report =
        registry.push(
            target, Descriptor.of(MediaTypes.OCI_MANIFEST, json), content, List.of(), access);
    return target + "@" + report.digest();
  }

  /** cosign's tag for the signatures of {@code digest}. */
  public static String signatureTag(Digest digest) {
    return "sha256-" + digest.hex() + ".sig";
  }

  private record Existing(Manifest manifest, Digest digest) {}

  /** The signature manifest already under the tag, or null when there is none. */
  private Existing existing(ImageName target, RegistryAccess access) throws IOException {
    RegistryClient.Fetched fetched;
    try {
      fetched = registry.fetch(target, target.tag(), access);
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return null;
      }
      throw e;
    }
    if (!MediaTypes.isManifest(fetched.descriptor().mediaType())) {
      throw new InvalidContentException(
          target
              + " is a "
              + fetched.descriptor().mediaType()
              + ", not a cosign signature manifest; remove it or sign elsewhere");
    }
    Manifest manifest = Manifest.parse(fetched.bytes(), target.toString());
    if (manifest.layers().size() >= MAX_SIGNATURES) {
      throw new InvalidContentException(
          target + " already holds " + manifest.layers().size() + " signatures; refused");
    }
    return new Existing(manifest, fetched.descriptor().digest());
  }

  private static boolean signedByThisKey(
      Descriptor layer, Digest payloadDigest, byte[] payload, SigningKey key) {
    if (!SIMPLE_SIGNING.equals(layer.mediaType()) || !layer.digest().equals(payloadDigest)) {
      return false;
    }
    String signature = layer.annotations().get(SIGNATURE_ANNOTATION);
    if (signature == null) {
      return false;
    }
    try {
      return key.verifies(payload, Base64.getDecoder().decode(signature));
    } catch (IllegalArgumentException e) {
      return false; // not base64: someone else's broken signature, kept as it is
    }
  }

  /**
   * The config cosign writes for a signature manifest (go-containerregistry's empty image with the
   * layers appended), so the manifest looks like one cosign pushed.
   */
  private static byte[] config(List<Descriptor> layers) {
    StringBuilder history = new StringBuilder();
    StringBuilder diffIds = new StringBuilder();
    for (Descriptor layer : layers) {
      history.append(history.isEmpty() ? "" : ",").append("{\"created\":\"" + ZERO_TIME + "\"}");
      diffIds.append(diffIds.isEmpty() ? "" : ",").append('"').append(layer.digest()).append('"');
    }
    return ("{\"architecture\":\"\",\"created\":\""
            + ZERO_TIME
            + "\",\"history\":["
            + history
            + "],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":["
            + diffIds
            + "]},\"config\":{}}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
