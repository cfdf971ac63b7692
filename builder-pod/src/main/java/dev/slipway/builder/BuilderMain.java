package dev.slipway.builder;

/**
 * Entry point of the builder process ({@code bin/slipway-builder}). The gRPC Control and Session
 * server is not written yet; until it is, the process says so and exits non-zero rather than
 * pretending to serve.
 */
public final class BuilderMain {
  private BuilderMain() {}

  public static void main(String[] args) {
    System.err.println(
        "slipway-builder: the builder server is not implemented yet; use `slipway build --local`.");
    System.exit(3);
  }
}
