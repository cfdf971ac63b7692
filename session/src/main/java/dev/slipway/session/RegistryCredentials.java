package dev.slipway.session;

/**
 * Credentials for one registry: a username and password, or an identity token. {@link #toString()}
 * never shows the secret.
 */
public record RegistryCredentials(String username, String secret, boolean identityToken) {
  @Override
  public String toString() {
    return "RegistryCredentials[username=" + username + ", secret=***]";
  }
}
