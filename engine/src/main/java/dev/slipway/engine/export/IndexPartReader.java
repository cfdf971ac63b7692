package dev.slipway.engine.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.ContentStore;
import dev.slipway.engine.content.Descriptor;
import dev.slipway.engine.content.Digest;
import dev.slipway.engine.content.InvalidContentException;
import dev.slipway.engine.content.InvalidDigestException;
import dev.slipway.engine.content.MediaTypes;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.ImageIndex;
import dev.slipway.engine.image.Manifest;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.engine.registry.ImageName;
import dev.slipway.engine.registry.RegistryAccess;
import dev.slipway.engine.registry.RegistryClient;
import dev.slipway.engine.registry.RegistryException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one part of an index assembly ({@code name@sha256:…}) from the registry and checks it: the
 * part is hostile input, so every document is fetched by digest (and so verified), sizes and counts
 * are capped, and only image manifests and image indexes of platform images and their attestation
 * manifests are taken. The manifests end up in the content store, ready to be pushed.
 */
final class IndexPartReader {
  /** Manifests one index part may list (BuildKit writes two per platform). */
  static final int MAX_CHILDREN = 128;

  /** An image config is small; a larger one is not an image's. */
  static final long MAX_CONFIG_BYTES = 8L << 20;

  private static final Set<String> CONFIGS =
      Set.of(MediaTypes.OCI_CONFIG, MediaTypes.DOCKER_CONFIG);

  private final RegistryClient registry;
  private final ContentStore content;

  IndexPartReader(RegistryClient registry, ContentStore content) {
    this.registry = registry;
    this.content = content;
  }

  IndexPart read(String part, RegistryAccess access) throws BuildFailedException {
    ImageName name = name(part);
    try {
      RegistryClient.Fetched top = fetch(part, name, Digest.parse(name.digest()), access);
      if (MediaTypes.isManifest(top.descriptor().mediaType())) {
        Manifest manifest = Manifest.parse(top.bytes(), "index part " + part);
        Platform platform = platformFromConfig(part, name, manifest, access);
        return new IndexPart(
            name,
            List.of(
                new IndexPart.PlatformImage(
                    top.descriptor().withPlatform(platform),
                    manifest.config().digest(),
                    layersSize(manifest))),
            List.of());
      }
      return readIndex(part, name, ImageIndex.parse(top.bytes(), "index part " + part), access);
    } catch (InvalidContentException e) {
      throw invalid("index part " + part + ": " + e.getMessage());
    } catch (RegistryException e) {
      if (e.status() == 404) {
        throw BuildFailedException.of(
            ErrorKind.ERROR_KIND_REGISTRY,
            "index part "
                + part
                + ": the registry has no manifest or index of that digest in "
                + name.repository()
                + " (is it the digest of a blob, or of another repository?)");
      }
      // a registry asked for a blob's digest as a manifest may answer 500 (distribution does)
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_REGISTRY,
          "index part "
              + part
              + ": "
              + e.getMessage()
              + (e.status() >= 500
                  ? " (is it the digest of a blob rather than of an image manifest or index?)"
                  : ""));
    } catch (IOException e) {
      throw BuildFailedException.of(
          ErrorKind.ERROR_KIND_INTERNAL, "index part " + part + ": " + e.getMessage());
    }
  }

  /** The part's name, which must carry a digest. */
  static ImageName name(String part) throws BuildFailedException {
    ImageName name;
    try {
      name = ImageName.parse(part);
    } catch (IllegalArgumentException e) {
      throw invalid("index part " + part + ": " + e.getMessage());
    }
    if (name.digest() == null) {
      throw invalid(
          "index part "
              + part
              + " has no digest: give each part as NAME@sha256:<hex> of a pushed image or index");
    }
    try {
      Digest.parse(name.digest());
    } catch (InvalidDigestException e) {
      throw invalid("index part " + part + ": " + e.getMessage());
    }
    return name;
  }

  private IndexPart readIndex(String part, ImageName name, ImageIndex index, RegistryAccess access)
      throws IOException, BuildFailedException {
    if (index.manifests().size() > MAX_CHILDREN) {
      throw invalid(
          "index part "
              + part
              + " lists "
              + index.manifests().size()
              + " manifests; at most "
              + MAX_CHILDREN
              + " are taken");
    }
    List<IndexPart.PlatformImage> images = new ArrayList<>();
    List<Descriptor> attestations = new ArrayList<>();
    for (Descriptor child : index.manifests()) {
      String where = "index part " + part + " lists " + child.digest();
      if (MediaTypes.isIndex(child.mediaType())) {
        throw invalid(where + ", an index inside the index: give the platform images' parts");
      }
      if (!MediaTypes.isManifest(child.mediaType())) {
        throw invalid(where + " of media type " + child.mediaType() + ", not an image manifest");
      }
      RegistryClient.Fetched fetched = fetch(part, name, child.digest(), access);
      if (fetched.bytes().length != child.size()) {
        throw invalid(
            where + " with size " + child.size() + ", but it has " + fetched.bytes().length);
      }
      Manifest manifest = Manifest.parse(fetched.bytes(), where);
      if (ImageAttestations.ATTESTATION_MANIFEST.equals(
          child.annotations().get(ImageAttestations.REFERENCE_TYPE))) {
        attestations.add(child);
        continue;
      }
      if (child.platform() == null || child.platform().os().equals("unknown")) {
        throw invalid(
            where
                + " without a platform (nor the annotations of an attestation manifest);"
                + " an assembled index needs each image's platform");
      }
      images.add(
          new IndexPart.PlatformImage(child, manifest.config().digest(), layersSize(manifest)));
    }
    if (images.isEmpty()) {
      throw invalid("index part " + part + " lists no platform image");
    }
    for (Descriptor a : attestations) {
      String subject = a.annotations().getOrDefault(ImageAttestations.REFERENCE_DIGEST, "");
      if (images.stream().noneMatch(i -> i.descriptor().digest().toString().equals(subject))) {
        throw invalid(
            "index part "
                + part
                + ": the attestation manifest "
                + a.digest()
                + " is about "
                + (subject.isEmpty() ? "no image" : subject)
                + ", which the part does not list");
      }
    }
    return new IndexPart(name, images, attestations);
  }

  /** Fetches a manifest or index by digest, checks its media type and keeps it in the store. */
  private RegistryClient.Fetched fetch(
      String part, ImageName name, Digest digest, RegistryAccess access)
      throws IOException, BuildFailedException {
    RegistryClient.Fetched fetched = registry.fetch(name, digest.toString(), access);
    String type = fetched.descriptor().mediaType();
    if (!MediaTypes.isManifest(type) && !MediaTypes.isIndex(type)) {
      throw invalid(
          "index part "
              + part
              + ": "
              + digest
              + " has media type "
              + type
              + "; expected an image manifest or an image index");
    }
    JsonNode json;
    try {
      json = CanonicalJson.mapper().readTree(fetched.bytes());
    } catch (IOException e) {
      throw invalid("index part " + part + ": " + digest + " is not a JSON document");
    }
    String declared = json == null ? "" : json.path("mediaType").asText("");
    if (!declared.isEmpty() && !declared.equals(type)) {
      throw invalid(
          "index part "
              + part
              + ": the registry serves "
              + digest
              + " as "
              + type
              + " but the document says "
              + declared);
    }
    content.ingest(fetched.bytes());
    return fetched;
  }

  private Platform platformFromConfig(
      String part, ImageName name, Manifest manifest, RegistryAccess access)
      throws IOException, BuildFailedException {
    Descriptor config = manifest.config();
    if (!CONFIGS.contains(config.mediaType())) {
      throw invalid(
          "index part "
              + part
              + " is no image: its config has media type "
              + config.mediaType()
              + " (an artifact, a signature or an attestation manifest?)");
    }
    if (config.size() > MAX_CONFIG_BYTES) {
      throw invalid("index part " + part + ": its config is " + config.size() + " bytes; refused");
    }
    if (!content.exists(config.digest())) {
      registry.fetchAll(name, List.of(config), content, access);
    }
    JsonNode json = CanonicalJson.mapper().readTree(content.read(config.digest()));
    String os = json.path("os").asText("");
    String architecture = json.path("architecture").asText("");
    if (os.isEmpty() || architecture.isEmpty()) {
      throw invalid(
          "index part " + part + ": its image config names no platform (os and architecture)");
    }
    return new Platform(os, architecture, json.path("variant").asText(""));
  }

  private static long layersSize(Manifest manifest) {
    return manifest.layers().stream().mapToLong(Descriptor::size).sum();
  }

  private static BuildFailedException invalid(String message) {
    return BuildFailedException.of(ErrorKind.ERROR_KIND_INVALID_INPUT, message);
  }
}
