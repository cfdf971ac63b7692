package dev.slipway.cli.request;

import dev.slipway.cli.usage.UsageException;
import dev.slipway.engine.content.Platform;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code --platform} before the build starts, as buildx does: comma-separated and repeated
 * values, each {@code os/arch[/variant]} or {@code local}, normalized (x86_64 is amd64, arm64/v8 is
 * arm64, arm is arm/v7) so that two spellings of one platform build it once.
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
    String arch = p.architecture();
    String variant = p.variant();
    switch (arch) {
      case "x86_64", "x86-64" -> arch = "amd64";
      case "i386", "i486", "i586", "i686" -> arch = "386";
      case "aarch64" -> arch = "arm64";
      case "armhf" -> {
        arch = "arm";
        variant = "v7";
      }
      case "armel" -> {
        arch = "arm";
        variant = "v6";
      }
      default -> {}
    }
    if (arch.equals("arm64") && (variant.equals("v8") || variant.equals("8"))) {
      variant = "";
    } else if (arch.equals("arm") && variant.isEmpty()) {
      variant = "v7";
    } else if (arch.equals("arm") && variant.matches("[5-8]")) {
      variant = "v" + variant;
    } else if (arch.equals("amd64") && variant.equals("v1")) {
      variant = "";
    }
    return new Platform(p.os(), arch, variant);
  }
}
