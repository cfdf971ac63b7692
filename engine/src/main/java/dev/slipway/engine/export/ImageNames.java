package dev.slipway.engine.export;

/** The small amount of reference syntax exporters need: where the tag of a name is. */
final class ImageNames {
  private ImageNames() {}

  /** The tag of {@code repo[:tag]}, or null; a port in the registry host is not a tag. */
  static String tag(String name) {
    if (name.contains("@")) {
      return null;
    }
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/') ? name.substring(colon + 1) : null;
  }

  /** {@code name} with {@code :latest} added when it has no tag, as docker load requires. */
  static String withDefaultTag(String name) {
    if (name.contains("@")) {
      throw new IllegalArgumentException(
          "docker archives need tagged names, not digest references: \"" + name + "\"");
    }
    return tag(name) == null ? name + ":latest" : name;
  }
}
