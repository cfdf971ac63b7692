package dev.slipway.session.auth;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling the builder, as its credential says: builds and sessions belong to the principal,
 * the scopes say what it may do, and a build-bound caller may run and see only that one build.
 */
public record Caller(String principal, Set<GrantScope> scopes, Optional<String> buildId) {
  public Caller {
    Objects.requireNonNull(principal, "principal");
    scopes = Set.copyOf(scopes);
    Objects.requireNonNull(buildId, "buildId");
  }

  public static Caller of(BuildGrant grant) {
    return new Caller(grant.principal(), grant.scopes(), grant.buildId());
  }

  public boolean allows(GrantScope scope) {
    return scopes.contains(scope);
  }

  /** Whether this caller may see and cancel the build {@code id} started by {@code owner}. */
  public boolean mayWatch(String owner, String id) {
    return allows(GrantScope.ADMIN) || (mayRun(id) && principal.equals(owner));
  }

  /** Whether this caller may start (or attach a session for) the build {@code id}. */
  public boolean mayRun(String id) {
    return allows(GrantScope.BUILD) && buildId.map(id::equals).orElse(true);
  }
}
