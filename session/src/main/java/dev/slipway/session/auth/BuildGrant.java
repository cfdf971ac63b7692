package dev.slipway.session.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call a builder, for what, until when: the claims of a signed grant.
 *
 * @param principal the caller (a user, or a namespace/BuildRequest for the operator); builds and
 *     sessions belong to it
 * @param scopes what the caller may do
 * @param buildId when present, the one build this grant may run and whose session it may attach
 * @param expiresAt after this instant the grant is refused
 */
public record BuildGrant(
    String principal, Set<GrantScope> scopes, Optional<String> buildId, Instant expiresAt) {

  public BuildGrant {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (principal.isBlank()) {
      throw new IllegalArgumentException("a grant needs a principal");
    }
    scopes = Set.copyOf(scopes);
    // A blank binding must not quietly mean "any build": refuse it rather than widen the grant.
    if (Objects.requireNonNull(buildId, "buildId").filter(String::isBlank).isPresent()) {
      throw new IllegalArgumentException("a grant's build binding cannot be blank");
    }
  }

  public boolean allows(GrantScope scope) {
    return scopes.contains(scope);
  }
}
