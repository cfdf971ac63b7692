package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The CLI takes the grant of the attempt it serves from the request's session Secret, only. */
@EnableKubernetesMockClient
class SessionGrantTest {
  static KubernetesClient client;
  static KubernetesMockServer server;

  @Test
  void theGrantOfThisAttemptIsRead() {
    secret("current-session", "uid-2", "GRANT-2");

    SessionGrant grant =
        SessionGrant.read(cluster(), placed("current", "uid-2"), "uid-2", Duration.ofSeconds(1));

    assertThat(grant.token()).isEqualTo("GRANT-2");
    assertThat(grant.caPem()).isEqualTo("CA");
    assertThat(grant.toString()).doesNotContain("GRANT-2");
  }

  @Test
  void anEarlierAttemptsGrantIsNotUsed() {
    secret("stale-session", "uid-1", "GRANT-1");

    assertThatThrownBy(
            () ->
                SessionGrant.read(
                    cluster(), placed("stale", "uid-2"), "uid-2", Duration.ofMillis(300)))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("team-a/stale-session")
        .hasMessageContaining("holds no grant for build uid-2")
        .hasMessageNotContaining("GRANT-1");
  }

  @Test
  void theHistoryReadsTheGrantOfTheAttemptItsRefNamesAfterARetryClearedTheBuildId() {
    // cancelled while waiting to be retried: status.buildId cleared, status.historyRef kept
    secret("retried-session", "uid-1", "GRANT-1");
    BuildRequest cancelled = placed("retried", null);
    cancelled.getStatus().setHistoryRef("pool-0/uid-1");

    SessionGrant grant =
        SessionGrant.read(
            cluster(), cancelled, ClusterHistory.ref(cancelled).buildId(), Duration.ofMillis(300));

    assertThat(grant.token()).isEqualTo("GRANT-1");
    assertThatThrownBy(
            () -> SessionGrant.read(cluster(), cancelled, "uid-2", Duration.ofMillis(300)))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("holds no grant for build uid-2");
  }

  @Test
  void aUserWhoMayNotReadTheSecretIsToldWhichRbacItNeeds() {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/team-a/secrets/forbidden-session")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}")
        .always();

    assertThatThrownBy(
            () ->
                SessionGrant.read(
                    cluster(), placed("forbidden", "uid-2"), "uid-2", Duration.ofMillis(300)))
        .isInstanceOf(ClusterException.class)
        .hasMessageContaining("you may not read Secret team-a/forbidden-session")
        .hasMessageContaining("RBAC get on secrets in namespace team-a");
  }

  private static ClusterConnection cluster() {
    return new ClusterConnection(client, "team-a");
  }

  private static BuildRequest placed(String name, String buildId) {
    BuildRequest request = new BuildRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("team-a").build());
    BuildRequestStatus status = new BuildRequestStatus();
    status.setBuildId(buildId);
    status.setBuilderPod("pool-0");
    status.setSessionSecret(name + "-session");
    request.setStatus(status);
    return request;
  }

  private static void secret(String name, String buildId, String token) {
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/team-a/secrets/" + name)
        .andReturn(
            200,
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("team-a")
                .endMetadata()
                .addToData("token", encode(token))
                .addToData("build-id", encode(buildId))
                .addToData("ca.crt", encode("CA"))
                .build())
        .always();
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
