package dev.slipway.engine.registry;

import java.util.Locale;

/**
 * A reference to an image in a registry: {@code registry/repository[:tag][@digest]}, as the
 * Dockerfile frontend normalizes it ({@code docker.io/library/busybox:latest}).
 */
public record ImageName(String registry, String repository, String tag, String digest) {

  public static ImageName parse(String name) {
    String rest = name;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    int slash = rest.indexOf('/');
    String first = slash > 0 ? rest.substring(0, slash) : "";
    boolean hasHost =
        slash > 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
    String registry = hasHost ? first : "docker.io";
    String repository = hasHost ? rest.substring(slash + 1) : rest;
    if (registry.equals("docker.io") && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (repository.isEmpty() || !repository.equals(repository.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "invalid image name \"" + name + "\": the repository must be lowercase and not empty");
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageName(registry, repository, tag, digest);
  }

  /** The tag or digest that the registry's manifest endpoint takes. */
  public String reference() {
    return digest != null ? digest : tag;
  }

  /** The host that serves the registry API (Docker Hub's API lives on another host). */
  public String apiHost() {
    return registry.equals("docker.io") ? "registry-1.docker.io" : registry;
  }

  /** Whether the registry is on this machine (Docker allows plain http to 127.0.0.0/8). */
  public boolean isLoopback() {
    String host = registry.replaceFirst(":[0-9]+$", "");
    return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
  }

  @Override
  public String toString() {
    return registry
        + "/"
        + repository
        + (tag != null ? ":" + tag : "")
        + (digest != null ? "@" + digest : "");
  }
}
