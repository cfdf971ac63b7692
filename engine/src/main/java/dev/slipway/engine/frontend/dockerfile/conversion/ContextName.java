package dev.slipway.engine.frontend.dockerfile.conversion;

/**
 * The name of a named context as buildx and BuildKit compare it: an image reference in its familiar
 * form without {@code :latest}, so {@code busybox}, {@code busybox:latest} and {@code
 * docker.io/library/busybox} all name the same context.
 */
public final class ContextName {
  private static final String HUB = "docker.io/";
  private static final String OFFICIAL = HUB + "library/";

  private ContextName() {}

  /**
   * The familiar form of {@code name}.
   *
   * @throws IllegalArgumentException when it is no image reference, with the reason
   */
  public static String familiar(String name) {
    String full = ImageReference.normalize(name);
    String familiar = full;
    if (full.startsWith(OFFICIAL) && full.indexOf('/', OFFICIAL.length()) < 0) {
      familiar = full.substring(OFFICIAL.length());
    } else if (full.startsWith(HUB)) {
      familiar = full.substring(HUB.length());
    }
    return familiar.endsWith(":latest")
        ? familiar.substring(0, familiar.length() - ":latest".length())
        : familiar;
  }
}
