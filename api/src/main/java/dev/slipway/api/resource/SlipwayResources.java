package dev.slipway.api.resource;

/** Names shared by all Slipway custom resources. */
public final class SlipwayResources {
  public static final String GROUP = "slipway.dev";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** {@code kubectl get slipway} lists every Slipway resource. */
  public static final String CATEGORY = "slipway";

  /** The port builder pods serve Control and Session on (the operator and the CLI reach it). */
  public static final int BUILDER_PORT = 7777;

  /** The key of a Builder's bearer token in its token Secret. */
  public static final String BUILDER_TOKEN_KEY = "token";

  private SlipwayResources() {}

  /** The Secret the operator keeps a Builder's bearer token in. */
  public static String builderTokenSecret(String builderName) {
    return builderName + "-token";
  }
}
