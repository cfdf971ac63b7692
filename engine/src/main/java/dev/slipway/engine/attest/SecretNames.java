package dev.slipway.engine.attest;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Build argument and environment names that look like they hold a secret. The pattern is the one of
 * the SecretsUsedInArgOrEnv build check (BuildKit's rule): such a value never goes into a
 * provenance statement, though BuildKit's mode=max writes it.
 */
final class SecretNames {
  private static final Pattern SECRET_NAME =
      Pattern.compile(
          "(?i)(^|_)(api_?key|auth|credentials?|key|passwd|password|pword|secret|token)($|_)");
  private static final Set<String> ALLOWED = Set.of("public", "tokenizer");

  private SecretNames() {}

  static boolean looksSecret(String name) {
    return SECRET_NAME.matcher(name).find()
        && ALLOWED.stream().noneMatch(name.toLowerCase(Locale.ROOT)::contains);
  }
}
