package dev.slipway.engine.image;

import dev.slipway.engine.content.Platform;
import java.util.ArrayList;
import java.util.List;

/**
 * The base images one build resolved, each pinned to the digest its name resolved to: what the
 * progress shows as {@code FROM name@sha256:…} and the metadata file lists as the build's
 * materials.
 */
public final class BaseImagePins {

  /** One resolved base image: its normalized name, platform and digest. */
  public record Pin(String name, Platform platform, String digest) {
    /** The name pinned to the digest, as BuildKit shows it; a name with a digest stays as it is. */
    public String pinnedName() {
      return name.contains("@") ? name : name + "@" + digest;
    }
  }

  private final List<Pin> pins = new ArrayList<>();

  public synchronized void add(Pin pin) {
    if (!pins.contains(pin)) {
      pins.add(pin);
    }
  }

  /** The pins in the order they were resolved. */
  public synchronized List<Pin> all() {
    return List.copyOf(pins);
  }
}
