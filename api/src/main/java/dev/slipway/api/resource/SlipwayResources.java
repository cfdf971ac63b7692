package dev.slipway.api.resource;

/** Names shared by all Slipway custom resources. */
public final class SlipwayResources {
  public static final String GROUP = "slipway.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** {@code kubectl get slipway} lists every Slipway resource. */
  public static final String CATEGORY = "slipway";

  private SlipwayResources() {}
}
