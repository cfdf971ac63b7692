package dev.slipway.operator.build;

import dev.slipway.api.Dockerfiles;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.ClientContext;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * What of a build's cache a builder pod may hold, as far as the operator knows before the build
 * runs: its context key ({@link ContextKeys}), the sha256 (hex) of its Dockerfile's bytes when the
 * request carries the Dockerfile (inline or in its ConfigMap) or the CLI's hint of it, and the base
 * images the CLI found in its FROM lines. The CLI's hints serve placement and nothing else: a wrong
 * one only costs its own build a colder pod.
 *
 * @param dockerfileDigest empty when unknown
 */
public record BuildCacheKeys(String contextKey, String dockerfileDigest, List<String> baseImages) {

  public BuildCacheKeys {
    dockerfileDigest = dockerfileDigest == null ? "" : dockerfileDigest;
    baseImages =
        baseImages == null
            ? List.of()
            : baseImages.stream().distinct().limit(ClientContext.MAX_BASE_IMAGES).toList();
  }

  /**
   * @param configMap the ConfigMap of a configMap context, else null
   */
  static BuildCacheKeys of(BuildRequestSpec spec, ConfigMap configMap, String contextKey) {
    var client = spec.getContext().getClient();
    return new BuildCacheKeys(
        contextKey,
        dockerfileDigest(spec, configMap),
        client == null ? null : client.getBaseImages());
  }

  private static String dockerfileDigest(BuildRequestSpec spec, ConfigMap configMap) {
    var dockerfile = spec.getDockerfile();
    if (dockerfile != null && dockerfile.getInline() != null) {
      return sha256(dockerfile.getInline().getBytes(StandardCharsets.UTF_8));
    }
    String path =
        dockerfile == null || dockerfile.getPath() == null
            ? Dockerfiles.DEFAULT_NAME
            : dockerfile.getPath();
    if (configMap != null) {
      if (configMap.getData() != null && configMap.getData().containsKey(path)) {
        return sha256(configMap.getData().get(path).getBytes(StandardCharsets.UTF_8));
      }
      if (configMap.getBinaryData() != null && configMap.getBinaryData().containsKey(path)) {
        try {
          return sha256(Base64.getDecoder().decode(configMap.getBinaryData().get(path)));
        } catch (IllegalArgumentException notBase64) {
          return "";
        }
      }
      return "";
    }
    var client = spec.getContext().getClient();
    return client == null || client.getDockerfileDigest() == null
        ? ""
        : client.getDockerfileDigest();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
