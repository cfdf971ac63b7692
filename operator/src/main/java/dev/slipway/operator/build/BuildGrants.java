package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.operator.auth.GrantCredentials;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.session.auth.Principals;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Mints the grant of each build the operator starts: principal {@code buildrequest:<ns>/<name>},
 * scope BUILD, bound to the attempt's build id, expiring {@link #MARGIN} after the build's
 * deadline. The operator sends Solve (and a GitOps build's session) with it, and writes it into the
 * request's session Secret for the slipway CLI, which attaches the session with it: so a session
 * serves only the build it was created for. The grant is never written into a status or a log.
 */
final class BuildGrants {

  /** Past the deadline the operator cancels the build; the grant outlives that by this much. */
  static final Duration MARGIN = Duration.ofMinutes(10);

  /**
   * The longest a grant lives, whatever timeout the request asks for: a grant read from the session
   * Secret must not outlive a revoked user's access for long (and a huge timeout must not overflow
   * the expiry). A build that runs longer keeps its open streams; only new calls with the grant (a
   * CLI re-attaching) are refused after it.
   */
  static final Duration LONGEST = Duration.ofHours(24);

  /** The longest a PEER grant lives: far shorter than a BUILD grant, which a client holds. */
  static final Duration PEER_LONGEST = Duration.ofHours(1);

  static final String CREDENTIAL_KIND = "build-session";

  private final Clock clock;

  BuildGrants(Clock clock) {
    this.clock = clock;
  }

  static String principal(BuildRequest request) {
    return Principals.buildRequest(
        request.getMetadata().getNamespace(), request.getMetadata().getName());
  }

  /**
   * Signs the run's grant and writes the session Secret; call before the status names the pod, so
   * that a CLI that sees the pod finds the grant.
   */
  GrantCredentials issue(BuildRequest request, BuildRun run, KubernetesClient kube) {
    GrantCredentials grant =
        run.pod().access().grant(principal(request), run.buildId(), expiry(request));
    String name = SlipwayResources.sessionSecret(request.getMetadata().getName());
    Secret existing =
        kube.secrets().inNamespace(request.getMetadata().getNamespace()).withName(name).get();
    if (existing != null && !ownedBy(existing, request)) {
      throw new IllegalStateException(conflict(request));
    }
    Map<String, String> values =
        Map.of(
            SlipwayResources.SESSION_TOKEN_KEY, grant.token(),
            SlipwayResources.SESSION_BUILD_ID_KEY, run.buildId(),
            SlipwayResources.SESSION_CA_KEY, run.pod().access().caCertificatePem());
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(request.getMetadata().getNamespace())
            .withLabels(Map.of(BuilderNames.CREDENTIAL_LABEL, CREDENTIAL_KIND))
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(request.getApiVersion())
                    .withKind(request.getKind())
                    .withName(request.getMetadata().getName())
                    .withUid(request.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .endMetadata()
            .withType("Opaque")
            .withData(encoded(values))
            .build();
    kube.secrets().resource(secret).createOr(NonDeletingOperation::update);
    return grant;
  }

  /**
   * The run's PEER grant, for its pod to fetch cache from the Builder's other pods: sent only in
   * the SolveRequest, never written anywhere. It expires with the BUILD grant but after {@link
   * #PEER_LONGEST} at most: it is minted again on every Solve and re-attach, so a leaked one is
   * worth little.
   */
  GrantCredentials peer(BuildRequest request, BuildRun run) {
    return run.pod().access().peerGrant(principal(request), run.buildId(), peerExpiry(request));
  }

  Instant peerExpiry(BuildRequest request) {
    Instant build = expiry(request);
    Instant cap = clock.instant().plus(PEER_LONGEST);
    return build.isBefore(cap) ? build : cap;
  }

  private Instant expiry(BuildRequest request) {
    Instant now = clock.instant();
    Duration left = BuildDeadlines.left(request, request.getStatus(), now);
    Duration lifetime = left.isNegative() ? Duration.ZERO : left;
    return now.plus(lifetime.compareTo(LONGEST) > 0 ? LONGEST : lifetime).plus(MARGIN);
  }

  /** Whether a Secret of the session Secret's name is this request's (or absent). */
  static boolean ownedBy(Secret secret, BuildRequest request) {
    return secret.getMetadata().getOwnerReferences() != null
        && secret.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> request.getMetadata().getUid().equals(o.getUid()));
  }

  static String conflict(BuildRequest request) {
    String name = SlipwayResources.sessionSecret(request.getMetadata().getName());
    return "metadata.name: Secret \""
        + name
        + "\" exists in namespace "
        + request.getMetadata().getNamespace()
        + " and is not this BuildRequest's; the operator writes the build's session credential"
        + " under that name: rename the BuildRequest, or rename or delete that Secret";
  }

  private static Map<String, String> encoded(Map<String, String> values) {
    Map<String, String> data = new HashMap<>();
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return data;
  }
}
