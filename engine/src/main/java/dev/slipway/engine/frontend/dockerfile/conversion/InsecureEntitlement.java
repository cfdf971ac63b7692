package dev.slipway.engine.frontend.dockerfile.conversion;

/**
 * Whether {@code RUN --security=insecure} may run privileged. Like BuildKit's {@code
 * security.insecure} entitlement it takes two switches: the build must ask for it and the builder
 * it runs on must allow it, so neither a Dockerfile nor a client alone can turn the sandbox off on
 * a shared builder.
 *
 * @param requested the request carries the entitlement ({@code slipway build --allow
 *     security.insecure}, {@code spec.entitlements} of a BuildRequest)
 * @param builderAllows the engine was started allowing it ({@code --allow-insecure-entitlement},
 *     {@code spec.allowInsecureEntitlement} of a Builder; always for {@code --local})
 */
public record InsecureEntitlement(boolean requested, boolean builderAllows) {

  /** The entitlement's name, as buildx spells it. */
  public static final String NAME = "security.insecure";

  public static final InsecureEntitlement DENIED = new InsecureEntitlement(false, false);

  public boolean granted() {
    return requested && builderAllows;
  }

  /** What is missing and how to switch it on; only meaningful when not {@link #granted()}. */
  String refusal() {
    return "RUN --security=insecure runs the step privileged and needs the "
        + NAME
        + " entitlement on both sides: the build "
        + (requested ? "asks for it" : "does not ask for it")
        + " (slipway build --allow "
        + NAME
        + ", or spec.entitlements: ["
        + NAME
        + "] in a BuildRequest) and the builder "
        + (builderAllows ? "allows it" : "does not allow it")
        + " (builder flag --allow-insecure-entitlement, or spec.allowInsecureEntitlement: true on"
        + " the Builder); or drop --security=insecure";
  }
}
