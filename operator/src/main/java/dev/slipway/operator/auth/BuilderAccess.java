package dev.slipway.operator.auth;

import dev.slipway.session.auth.BuildGrant;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.GrantSigner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the operator needs to call one Builder's pods: the key it signs grants with (the pods hold
 * only the public half), the audience the pods accept, and the CA their certificates chain to.
 *
 * <p>The operator's own calls that span builds (Info, ListBuilds, Status after a restart, Cancel)
 * carry a short-lived ADMIN grant with principal {@value #OPERATOR}; a build's Solve and session
 * carry a grant for that build only ({@link #grant}), and the pod running it gets a PEER grant for
 * that build to fetch cache from the Builder's other pods ({@link #peerGrant}).
 */
public final class BuilderAccess {

  public static final String OPERATOR = "operator";

  /** How long the operator's own grant lives; a new one is signed well before it expires. */
  static final Duration ADMIN_LIFETIME = Duration.ofMinutes(5);

  private static final Duration RENEW_BEFORE = Duration.ofMinutes(2);

  private final GrantSigner signer;
  private final String audience;
  private final String caCertificatePem;
  private final Clock clock;
  private GrantCredentials admin;
  private Instant adminExpires = Instant.MIN;

  public BuilderAccess(GrantSigner signer, String audience, String caCertificatePem, Clock clock) {
    this.signer = signer;
    this.audience = audience;
    this.caCertificatePem = caCertificatePem;
    this.clock = clock;
  }

  public String audience() {
    return audience;
  }

  /** The CA that signed the pods' server certificates: the only one trusted for them. */
  public String caCertificatePem() {
    return caCertificatePem;
  }

  /** A grant that lets {@code principal} run build {@code buildId} (scope BUILD) until then. */
  public GrantCredentials grant(String principal, String buildId, Instant expiresAt) {
    BuildGrant grant =
        new BuildGrant(principal, Set.of(GrantScope.BUILD), Optional.of(buildId), expiresAt);
    return new GrantCredentials(signer.sign(grant, audience));
  }

  /**
   * A grant that lets the pod running build {@code buildId} fetch cache from the Builder's other
   * pods (scope PEER, nothing else) until then.
   */
  public GrantCredentials peerGrant(String principal, String buildId, Instant expiresAt) {
    BuildGrant grant =
        new BuildGrant(principal, Set.of(GrantScope.PEER), Optional.of(buildId), expiresAt);
    return new GrantCredentials(signer.sign(grant, audience));
  }

  /** The operator's own short-lived ADMIN grant, signed again shortly before it expires. */
  public synchronized GrantCredentials admin() {
    Instant now = clock.instant();
    if (admin == null || now.plus(RENEW_BEFORE).isAfter(adminExpires)) {
      adminExpires = now.plus(ADMIN_LIFETIME);
      admin =
          new GrantCredentials(
              signer.sign(
                  new BuildGrant(
                      OPERATOR,
                      Set.of(GrantScope.ADMIN, GrantScope.BUILD),
                      Optional.empty(),
                      adminExpires),
                  audience));
    }
    return admin;
  }

  @Override
  public String toString() {
    return "BuilderAccess[" + audience + "]";
  }
}
