package dev.slipway.cli.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.slipway.api.control.v1.BuildResult;
import java.util.TreeMap;

/** The {@code --metadata-file} document: buildx's keys, e.g. {@code containerimage.digest}. */
final class BuildMetadata {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BuildMetadata() {}

  static String toJson(BuildResult result) throws JsonProcessingException {
    TreeMap<String, Object> doc = new TreeMap<>(result.getMetadataMap());
    if (!result.getImageDigest().isEmpty()) {
      doc.put("containerimage.digest", result.getImageDigest());
    }
    if (!result.getConfigDigest().isEmpty()) {
      doc.put("containerimage.config.digest", result.getConfigDigest());
    }
    return JSON.writeValueAsString(doc) + "\n";
  }
}
