package dev.slipway.engine.registry;

/** Token scopes (distribution's {@code resourcetype:name:actions}) for repository access. */
final class Scopes {
  private Scopes() {}

  static String pull(String repository) {
    return "repository:" + repository + ":pull";
  }

  static String push(String repository) {
    return "repository:" + repository + ":pull,push";
  }
}
