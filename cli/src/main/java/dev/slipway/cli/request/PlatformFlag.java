package dev.slipway.cli.request;

import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.content.Platform;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code --platform} before the build starts, as buildx does: comma-separated and repeated
 * values, each {@code os/arch[/variant]} or {@code local}, normalized ({@link Platform#normalized})
 * so that two spellings of one platform build it once.
 */
final class PlatformFlag {
  private PlatformFlag() {}

  /** The platforms to build, normalized, in the order first given, without duplicates. */
  static List<String> check(List<String> values) {
    Set<String> platforms = new LinkedHashSet<>();
    for (String value : values) {
      if (value.isBlank()) {
        throw new UsageException(
            "--platform: an empty platform; give os/arch[/variant], e.g. linux/amd64");
      }
      platforms.add(normalize(value.trim()).toString());
    }
    return new ArrayList<>(platforms);
  }

  static Platform normalize(String text) {
    Platform p;
    try {
      p = text.equalsIgnoreCase("local") ? Platform.host() : Platform.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--platform: " + e.getMessage());
    }
    return p.normalized();
  }
}
