package dev.slipway.cli.cluster;

import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.ClientContext;
import dev.slipway.engine.content.Platform;
import dev.slipway.engine.frontend.dockerfile.conversion.BaseImageNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What the CLI tells the operator about a build's cache so that it lands on the pod that holds the
 * most of it: the sha256 of the Dockerfile's bytes and the base images its FROM lines name with
 * this build's args. Only a hint: the operator uses it for placement and nothing else, and a
 * Dockerfile that cannot be read or parsed here just gives none (the build reports the problem).
 *
 * @param dockerfileDigest hex, or null when the request carries the Dockerfile inline (the operator
 *     hashes it itself) or it cannot be read
 */
record PlacementHints(String dockerfileDigest, List<String> baseImages) {

  /** A Dockerfile larger than this is not read for hints. */
  static final int MAX_DOCKERFILE_BYTES = 1 << 20;

  static final PlacementHints NONE = new PlacementHints(null, List.of());

  /**
   * @param dockerfile the Dockerfile on this machine, or null when it came from standard input (and
   *     the request carries it inline)
   */
  static PlacementHints of(Path dockerfile, SolveRequest request) {
    String text;
    String digest = null;
    if (request.getDockerfile().hasInline()) {
      text = request.getDockerfile().getInline();
    } else if (dockerfile != null) {
      byte[] bytes = read(dockerfile);
      if (bytes == null) {
        return NONE;
      }
      digest = HexFormat.of().formatHex(sha256().digest(bytes));
      text = new String(bytes, StandardCharsets.UTF_8);
    } else {
      return NONE;
    }
    Platform target;
    try {
      target =
          request.getPlatformsCount() > 0
              ? Platform.parse(request.getPlatforms(0))
              : Platform.host();
    } catch (IllegalArgumentException e) {
      target = Platform.host();
    }
    // A name the CRD would refuse (too long, with spaces) is dropped: a hint must never make the
    // API server refuse the BuildRequest.
    return new PlacementHints(
        digest,
        BaseImageNames.of(
                text,
                request.getBuildArgsMap(),
                request.getNamedContextsMap().keySet(),
                target,
                ClientContext.MAX_BASE_IMAGES)
            .stream()
            .filter(ClientContext::isBaseImageHint)
            .toList());
  }

  private static byte[] read(Path dockerfile) {
    try (InputStream in = Files.newInputStream(dockerfile)) {
      byte[] bytes = in.readNBytes(MAX_DOCKERFILE_BYTES + 1);
      return bytes.length > MAX_DOCKERFILE_BYTES ? null : bytes;
    } catch (IOException e) {
      return null;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
