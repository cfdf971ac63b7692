package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.operator.auth.BuilderAccess;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import dev.slipway.session.auth.BuildGrant;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.auth.GrantSigner;
import dev.slipway.session.auth.GrantVerifier;
import dev.slipway.session.auth.InvalidGrantException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The grant the operator mints for each build: for that build id only, in the request's own session
 * Secret (owned by the request), never in its status.
 */
@EnableKubernetesMockClient(crud = true)
class BuildGrantsTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  static KubernetesClient client;
  private OperatorHarness<FakeBuilderPod> cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void eachBuildGetsAGrantForItsOwnBuildIdInItsOwnSessionSecret() throws Exception {
    var c = cluster = OperatorHarness.withFakePods(client, "grants", 2);
    c.createBuilder("pool", 1, 2);
    Instant before = Instant.now();
    BuildRequest created = c.createRequest("app", "pool", 100, s -> s.setTimeoutSeconds(600L));
    c.createRequest("other", "pool", 100, s -> {});
    await("both built", WAIT, () -> ended(c, "app") && ended(c, "other"));

    BuildRequest app = c.request("app");
    assertThat(app.getStatus().getSessionSecret()).isEqualTo("app-session");
    Secret session = client.secrets().inNamespace(c.namespace).withName("app-session").get();
    assertThat(session.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("BuildRequest");
              assertThat(o.getUid()).isEqualTo(created.getMetadata().getUid());
            });
    assertThat(session.getMetadata().getLabels())
        .containsEntry("slipway.dev/credential", "build-session");
    Map<String, String> values = BuilderCredentialsTest.values(session);
    Map<String, String> tls =
        BuilderCredentialsTest.values(
            client.secrets().inNamespace(c.namespace).withName("pool-slipway-tls").get());
    assertThat(values.get("ca.crt")).isEqualTo(tls.get("ca.crt"));
    assertThat(values.get("build-id")).isEqualTo(app.getStatus().getBuildId());

    BuildGrant grant =
        new GrantVerifier(tls.get("auth.pub"), "slipway-builder:grants/pool")
            .verify(values.get("token"));
    assertThat(grant.principal()).isEqualTo("buildrequest:grants/app");
    assertThat(grant.scopes()).containsExactly(GrantScope.BUILD);
    assertThat(grant.buildId()).contains(app.getStatus().getBuildId());
    assertThat(grant.expiresAt())
        .as("the build's deadline plus a margin, not longer")
        .isAfter(before.plusSeconds(600))
        .isBefore(Instant.now().plusSeconds(600).plus(Duration.ofMinutes(11)));

    String otherToken =
        BuilderCredentialsTest.values(
                client.secrets().inNamespace(c.namespace).withName("other-session").get())
            .get("token");
    assertThat(
            new GrantVerifier(tls.get("auth.pub"), "slipway-builder:grants/pool")
                .verify(otherToken)
                .buildId())
        .contains(c.request("other").getStatus().getBuildId())
        .isNotEqualTo(grant.buildId());
    assertThat(Serialization.asJson(app.getStatus()))
        .as("the grant is never in the status")
        .doesNotContain(values.get("token"));
    Assertions.assertThatThrownBy(
            () ->
                new GrantVerifier(tls.get("auth.pub"), "slipway-builder:grants/another-builder")
                    .verify(values.get("token")))
        .as("another Builder's pods refuse it")
        .isInstanceOf(InvalidGrantException.class);
  }

  @Test
  void aBuildOnAPoolNamesTheOtherReadyPodsAsPeersWithAPeerGrantForItAlone() throws Exception {
    var c = cluster = OperatorHarness.withFakePods(client, "peers", 2);
    c.createBuilder("pool", 2, 2);
    await("two pods", WAIT, () -> c.pods.pods().size() == 2);
    c.createRequest("app", "pool", 100, s -> {});
    await("built", WAIT, () -> ended(c, "app"));

    BuildRequest app = c.request("app");
    String ran = app.getStatus().getBuilderPod();
    String other = ran.equals("pool-0") ? "pool-1" : "pool-0";
    SolveRequest solve =
        c.pods.pod(ran).received().stream()
            .filter(r -> r.buildId().equals(app.getStatus().getBuildId()))
            .findFirst()
            .orElseThrow()
            .request();
    assertThat(solve.getPeerCache().getPeersList())
        .as("the Builder's other pod, not the one running the build")
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo(other);
              assertThat(p.getEndpoint()).endsWith(":7777").isNotBlank();
            });
    Map<String, String> tls =
        BuilderCredentialsTest.values(
            client.secrets().inNamespace(c.namespace).withName("pool-slipway-tls").get());
    String token = solve.getPeerCache().getGrant();
    BuildGrant grant =
        new GrantVerifier(tls.get("auth.pub"), "slipway-builder:peers/pool").verify(token);
    assertThat(grant.scopes()).as("PEER and nothing else").containsExactly(GrantScope.PEER);
    assertThat(grant.buildId()).contains(app.getStatus().getBuildId());
    assertThat(grant.expiresAt()).isBefore(Instant.now().plus(Duration.ofHours(25)));
    assertThat(Serialization.asJson(app.getStatus()))
        .as("the peer grant is never in the status")
        .doesNotContain(token);
    assertThat(
            BuilderCredentialsTest.values(
                client.secrets().inNamespace(c.namespace).withName("app-session").get()))
        .as("nor in the session Secret the CLI reads")
        .doesNotContainValue(token);
    assertThat(
            client.v1().events().inNamespace(c.namespace).list().getItems().stream()
                .map(e -> e.getMessage()))
        .as("nor in an event")
        .noneMatch(m -> m != null && m.contains(token));
  }

  private static boolean ended(OperatorHarness<?> c, String name) {
    return c.phase(name) != null && c.phase(name).isFinal();
  }

  @Test
  void theOperatorsOwnGrantIsShortLivedAndSpansBuilds() throws Exception {
    GrantSigner signer = GrantSigner.generate();
    BuilderAccess access = new BuilderAccess(signer, "aud", "ca", Clock.systemUTC());

    BuildGrant admin =
        new GrantVerifier(signer.publicKeyPem(), "aud").verify(access.admin().token());

    assertThat(admin.principal()).isEqualTo("operator");
    assertThat(admin.scopes()).contains(GrantScope.ADMIN);
    assertThat(admin.buildId()).isEmpty();
    assertThat(admin.expiresAt()).isBefore(Instant.now().plus(Duration.ofMinutes(6)));
    assertThat(access.admin().toString()).doesNotContain(access.admin().token());
  }
}
