package dev.slipway.engine.frontend.dockerfile.conversion;

import dev.slipway.engine.frontend.dockerfile.DockerfileException;
import dev.slipway.engine.frontend.dockerfile.instructions.Instruction.Meta;
import java.util.regex.Pattern;

/**
 * Normalizes image references the way Docker does: {@code busybox} → {@code
 * docker.io/library/busybox:latest}.
 */
final class ImageReference {

  private static final Pattern DOMAIN =
      Pattern.compile(
          "^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$|^\\[[0-9a-fA-F:]+\\](?::[0-9]+)?$");
  private static final Pattern PATH =
      Pattern.compile(
          "^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$");
  private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
  private static final Pattern DIGEST =
      Pattern.compile("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$");

  private ImageReference() {}

  /** The normalized name; a malformed reference is an error at the instruction that names it. */
  static String normalize(String ref, Meta meta) {
    try {
      return normalize(ref);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(
          meta.position(), "invalid image reference \"" + ref + "\": " + e.getMessage());
    }
  }

  /** The normalized name; throws IllegalArgumentException with the reason when malformed. */
  static String normalize(String ref) {
    String rest = ref;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new IllegalArgumentException("invalid digest \"" + digest + "\"");
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException("invalid tag \"" + tag + "\"");
      }
    }
    String domain = "docker.io";
    String path = rest;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".")
          || first.contains(":")
          || first.equals("localhost")
          || !first.equals(first.toLowerCase())) {
        domain = first;
        path = rest.substring(slash + 1);
        if (!DOMAIN.matcher(domain).matches()) {
          throw new IllegalArgumentException("invalid registry host \"" + domain + "\"");
        }
      }
    }
    if (!PATH.matcher(path).matches()) {
      throw new IllegalArgumentException(
          "invalid repository name \"" + path + "\" (lower case letters, digits and . _ - / only)");
    }
    if (domain.equals("docker.io") && !path.contains("/")) {
      path = "library/" + path;
    }
    String name = domain + "/" + path;
    if (tag != null) {
      name += ":" + tag;
    } else if (digest == null) {
      name += ":latest";
    }
    return digest == null ? name : name + "@" + digest;
  }
}
