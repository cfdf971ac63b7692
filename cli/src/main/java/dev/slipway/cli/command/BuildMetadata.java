package dev.slipway.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.cli.backend.BuildMode;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code --metadata-file} document with buildx's keys and shapes: {@code
 * containerimage.digest}, {@code containerimage.config.digest}, {@code containerimage.descriptor}
 * (an object), {@code image.name}, {@code buildx.build.ref} and {@code buildx.build.provenance} (an
 * object: the base images as materials). For an image index (several platforms, or attestations)
 * the digest and descriptor are the index's, there is no config digest, and the provenance of each
 * platform is under {@code buildx.build.provenance/OS/ARCH}, as buildx writes them.
 */
final class BuildMetadata {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Keys whose values the builder sends as JSON text and buildx writes as objects. */
  private static final Set<String> OBJECTS =
      Set.of("containerimage.descriptor", "buildx.build.provenance");

  /** buildx's key prefix of one platform's provenance in a multi-platform build. */
  private static final String PLATFORM_PROVENANCE = "buildx.build.provenance/";

  private BuildMetadata() {}

  /** buildx's {@code BUILDER/NODE/REF}: here the mode that ran the build and its id. */
  static String buildRef(BuildMode mode, String buildId) {
    String m = mode.name().toLowerCase(Locale.ROOT);
    return "slipway-" + m + "/" + m + "0/" + buildId;
  }

  static String toJson(BuildResult result, String buildRef) throws JsonProcessingException {
    TreeMap<String, Object> doc = new TreeMap<>();
    for (var e : result.getMetadataMap().entrySet()) {
      boolean object = OBJECTS.contains(e.getKey()) || e.getKey().startsWith(PLATFORM_PROVENANCE);
      doc.put(e.getKey(), object ? object(e.getValue()) : e.getValue());
    }
    if (!result.getImageDigest().isEmpty()) {
      doc.put("containerimage.digest", result.getImageDigest());
    }
    if (isIndex(result)) {
      // BuildKit names a config only when the image is one manifest; an index has none
      doc.remove("containerimage.config.digest");
    } else if (!result.getConfigDigest().isEmpty()) {
      doc.put("containerimage.config.digest", result.getConfigDigest());
    }
    doc.put("buildx.build.ref", buildRef);
    return JSON.writeValueAsString(doc) + "\n";
  }

  /**
   * Whether the build wrote an image index (several platforms, or attestations): its digest is then
   * the image's id, as buildx's --iidfile writes it.
   */
  static boolean isIndex(BuildResult result) {
    // a builder lists the platform of a single image too; an index has several, or attestations
    return result.getPlatformsCount() > 1
        || result.getPlatformsList().stream().anyMatch(p -> !p.getAttestationDigest().isEmpty())
        || descriptorMediaType(result).contains("index")
        || descriptorMediaType(result).contains("manifest.list");
  }

  private static String descriptorMediaType(BuildResult result) {
    String descriptor = result.getMetadataOrDefault("containerimage.descriptor", "");
    if (descriptor.isEmpty()) {
      return "";
    }
    Object node = object(descriptor);
    return node instanceof JsonNode json && json.hasNonNull("mediaType")
        ? json.get("mediaType").asText()
        : "";
  }

  /** What --iidfile holds: the config digest of one image, else the index digest, as buildx. */
  static String imageId(BuildResult result) {
    return isIndex(result) || result.getConfigDigest().isEmpty()
        ? result.getImageDigest()
        : result.getConfigDigest();
  }

  /** The JSON object a builder sent, or its text as it is when it is none. */
  private static Object object(String text) {
    try {
      var node = JSON.readTree(text);
      return node != null && node.isObject() ? node : text;
    } catch (JsonProcessingException e) {
      return text;
    }
  }
}
