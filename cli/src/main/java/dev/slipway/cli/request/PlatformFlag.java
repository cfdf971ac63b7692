package dev.slipway.cli.request;

import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.content.Platform;
import java.util.List;

/**
 * Checks {@code --platform} before the build starts: the engine builds one platform per build and
 * takes the form os/arch[/variant].
 */
final class PlatformFlag {
  private PlatformFlag() {}

  static List<String> check(List<String> platforms) {
    if (platforms.size() > 1) {
      throw new UsageException(
          "--platform "
              + String.join(",", platforms)
              + ": building several platforms in one build is not supported yet;"
              + " run one build per platform");
    }
    for (String p : platforms) {
      try {
        Platform.parse(p);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--platform: " + e.getMessage());
      }
    }
    return platforms;
  }
}
