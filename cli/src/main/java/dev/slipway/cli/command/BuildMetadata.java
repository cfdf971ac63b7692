package dev.slipway.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
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
 * object: the base images as materials).
 */
final class BuildMetadata {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Keys whose values the builder sends as JSON text and buildx writes as objects. */
  private static final Set<String> OBJECTS =
      Set.of("containerimage.descriptor", "buildx.build.provenance");

  private BuildMetadata() {}

  /** buildx's {@code BUILDER/NODE/REF}: here the mode that ran the build and its id. */
  static String buildRef(BuildMode mode, String buildId) {
    String m = mode.name().toLowerCase(Locale.ROOT);
    return "slipway-" + m + "/" + m + "0/" + buildId;
  }

  static String toJson(BuildResult result, String buildRef) throws JsonProcessingException {
    TreeMap<String, Object> doc = new TreeMap<>();
    for (var e : result.getMetadataMap().entrySet()) {
      doc.put(e.getKey(), OBJECTS.contains(e.getKey()) ? object(e.getValue()) : e.getValue());
    }
    if (!result.getImageDigest().isEmpty()) {
      doc.put("containerimage.digest", result.getImageDigest());
    }
    if (!result.getConfigDigest().isEmpty()) {
      doc.put("containerimage.config.digest", result.getConfigDigest());
    }
    doc.put("buildx.build.ref", buildRef);
    return JSON.writeValueAsString(doc) + "\n";
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
