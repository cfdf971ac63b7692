package dev.slipway.engine.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.engine.content.CanonicalJson;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.image.BaseImagePins;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The metadata file's {@code buildx.build.provenance} in buildx's minimal form (SLSA v0.2 shape):
 * the build type, the base images as materials pinned to the digests they resolved to, and where
 * the build's definition came from. Build arguments are left out: they may hold what a user did not
 * mean to publish.
 */
public final class BuildProvenance {
  static final String BUILD_TYPE = "https://mobyproject.org/buildkit@v1";
  private static final String DOCKER_HUB = "docker.io/library/";

  private BuildProvenance() {}

  static String json(BaseImagePins pins, Platform platform, String dockerfileName) {
    ObjectNode doc = CanonicalJson.mapper().createObjectNode();
    doc.put("buildType", BUILD_TYPE);
    ArrayNode materials = doc.putArray("materials");
    for (BaseImagePins.Pin pin : pins.all()) {
      ObjectNode m = materials.addObject();
      m.put("uri", purl(pin));
      String[] digest = pin.digest().split(":", 2);
      m.putObject("digest").put(digest[0], digest[1]);
    }
    ObjectNode invocation = doc.putObject("invocation");
    invocation.putObject("configSource").put("entryPoint", dockerfileName);
    invocation.putObject("parameters").put("frontend", "dockerfile.v0");
    invocation.putObject("environment").put("platform", platform.toString());
    return new String(CanonicalJson.write(doc), StandardCharsets.UTF_8);
  }

  /**
   * A package URL as BuildKit writes a base image: {@code pkg:docker/NAME@TAG?platform=OS%2FARCH}.
   */
  public static String purl(BaseImagePins.Pin pin) {
    String name = pin.name();
    int at = name.indexOf('@');
    String version;
    if (at >= 0) {
      version = name.substring(at + 1);
      name = name.substring(0, at);
    } else {
      int colon = name.lastIndexOf(':');
      boolean tagged = colon > name.lastIndexOf('/');
      version = tagged ? name.substring(colon + 1) : "latest";
      name = tagged ? name.substring(0, colon) : name;
    }
    if (name.startsWith(DOCKER_HUB)) {
      name = name.substring(DOCKER_HUB.length());
    }
    return "pkg:docker/"
        + name
        + "@"
        + version
        + "?platform="
        + URLEncoder.encode(pin.platform().toString(), StandardCharsets.UTF_8);
  }
}
