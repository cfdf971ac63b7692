package dev.slipway.operator.build;

import dev.slipway.api.PlatformNames;
import dev.slipway.api.resource.Builder;
import java.util.List;

/** Platform strings as Builders report them, compared the way BuildKit normalizes them. */
final class Platforms {

  private Platforms() {}

  /** The canonical spelling (linux/aarch64 is linux/arm64), the same as the engine's. */
  static String normalize(String platform) {
    return PlatformNames.normalize(platform);
  }

  /** Whether the Builder has reported any platform (it keeps them while scaled to zero). */
  static boolean known(Builder builder) {
    return builder.getStatus() != null
        && (builder.getStatus().getNativePlatforms() != null
            || builder.getStatus().getEmulatedPlatforms() != null);
  }

  static boolean nativeOn(Builder builder, String platform) {
    return builder.getStatus() != null && has(builder.getStatus().getNativePlatforms(), platform);
  }

  static boolean emulatedOn(Builder builder, String platform) {
    return builder.getStatus() != null && has(builder.getStatus().getEmulatedPlatforms(), platform);
  }

  private static boolean has(List<String> platforms, String platform) {
    return platforms != null
        && platforms.stream().map(Platforms::normalize).anyMatch(platform::equals);
  }
}
