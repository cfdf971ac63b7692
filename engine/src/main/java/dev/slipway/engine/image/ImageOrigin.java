package dev.slipway.engine.image;

/**
 * How a name came into the image store, which decides who may use it: a builder is shared by many
 * builds, and a name one build pulled with its credentials (or built) must not serve another build
 * that has not shown it may read the same image.
 */
public enum ImageOrigin {
  /** Put there by whoever runs the engine (an archive import): every build may use it. */
  IMPORTED,
  /** Pulled without credentials: public content, every build may use it. */
  PULLED_ANONYMOUSLY,
  /** Pulled with a build's credentials: another build must show it may read it first. */
  PULLED_WITH_CREDENTIALS,
  /** The output of a build: another build must show it may read it from its registry first. */
  BUILT;

  /** Whether any build may use the name without asking the registry. */
  public boolean sharedWithEveryBuild() {
    return this == IMPORTED || this == PULLED_ANONYMOUSLY;
  }
}
