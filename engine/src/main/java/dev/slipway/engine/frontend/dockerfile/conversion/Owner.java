package dev.slipway.engine.frontend.dockerfile.conversion;

/**
 * A {@code user[:group]} value (COPY {@code --chown}, USER) split in two; null parts when absent.
 */
record Owner(String user, String group) {

  static Owner parse(String chown) {
    if (chown == null || chown.isEmpty()) {
      return new Owner(null, null);
    }
    int colon = chown.indexOf(':');
    if (colon < 0) {
      return new Owner(chown, null);
    }
    String group = chown.substring(colon + 1);
    return new Owner(chown.substring(0, colon), group.isEmpty() ? null : group);
  }
}
