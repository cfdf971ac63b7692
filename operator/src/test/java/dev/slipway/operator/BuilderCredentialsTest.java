package dev.slipway.operator;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.Builder;
import dev.slipway.operator.auth.CertificateAuthority;
import dev.slipway.operator.testing.FakeBuilderPod;
import dev.slipway.operator.testing.OperatorHarness;
import dev.slipway.session.auth.GrantSigner;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Builder's credentials: a signing key and CA only the operator reads, a server certificate for
 * the pods' names, renewed before it expires, and never someone else's Secret overwritten.
 */
@EnableKubernetesMockClient(crud = true)
class BuilderCredentialsTest {

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
  void podsGetACertificateForTheirNamesSignedByTheBuildersOwnCa() throws Exception {
    var c = cluster = OperatorHarness.withFakePods(client, "certs", 1);
    c.createBuilder("pool", 1, 1);
    await("the TLS Secret", WAIT, () -> secret(c, "pool-slipway-tls") != null);

    Map<String, String> signing = values(secret(c, "pool-slipway-signing"));
    Map<String, String> tls = values(secret(c, "pool-slipway-tls"));
    assertThat(signing).containsOnlyKeys("signing.pem", "ca.crt", "ca.key");
    assertThat(tls)
        .as("the mounted Secret holds no private key but the server's")
        .containsOnlyKeys("auth.pub", "ca.crt", "tls.crt", "tls.key");
    assertThat(tls.get("auth.pub"))
        .isEqualTo(GrantSigner.fromPrivateKeyPem(signing.get("signing.pem")).publicKeyPem());
    X509Certificate ca = certificate(signing.get("ca.crt"));
    X509Certificate server = certificate(tls.get("tls.crt"));
    server.verify(ca.getPublicKey());
    assertThat(server.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(server.getSubjectAlternativeNames())
        .extracting(n -> n.get(1).toString())
        .contains(
            "pool.certs.svc",
            "*.pool.certs.svc",
            "*.pool.certs.svc.cluster.local",
            "localhost",
            "127.0.0.1");
    assertThat(server.getNotAfter().toInstant()).isAfter(Instant.now().plus(Duration.ofDays(60)));
    assertThat(secret(c, "pool-slipway-signing").getMetadata().getLabels())
        .containsEntry("slipway.dev/credential", "builder-signing");
  }

  @Test
  void aCertificateNearItsExpiryIsRenewedAndRollsThePods() throws Exception {
    var c = cluster = OperatorHarness.withFakePods(client, "renew", 1);
    c.createBuilder("pool", 1, 1);
    await("the TLS Secret", WAIT, () -> secret(c, "pool-slipway-tls") != null);
    String before = annotation(c);
    Map<String, String> signing = values(secret(c, "pool-slipway-signing"));
    CertificateAuthority ca =
        CertificateAuthority.fromPem(signing.get("ca.crt"), signing.get("ca.key"));
    var expiring = ca.issue("pool", List.of("pool.renew.svc"), List.of(), Duration.ofDays(2));
    Secret tls = secret(c, "pool-slipway-tls");
    tls.getData().put("tls.crt", encode(expiring.certificatePem()));
    tls.getData().put("tls.key", encode(expiring.privateKeyPem()));
    client.secrets().resource(tls).update();

    c.editBuilder("pool", s -> s.setMaxParallelBuilds(2));

    await(
        "a renewed certificate",
        WAIT,
        () ->
            certificate(values(secret(c, "pool-slipway-tls")).get("tls.crt"))
                .getNotAfter()
                .toInstant()
                .isAfter(Instant.now().plus(Duration.ofDays(60))));
    await("the pods rolled for it", WAIT, () -> !annotation(c).equals(before));
  }

  @Test
  void someoneElsesSecretUnderTheCredentialsNameIsLeftAloneAndReported() {
    var c = cluster = OperatorHarness.withFakePods(client, "conflict", 1);
    client
        .secrets()
        .inNamespace(c.namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("pool-slipway-tls")
                .endMetadata()
                .addToData("mine", encode("user data"))
                .build())
        .create();
    c.createBuilder("pool", 1, 1);

    await(
        "the conflict in the Builder's status",
        WAIT,
        () -> {
          Builder b = c.builder("pool");
          return b.getStatus() != null
              && b.getStatus().getConditions().stream()
                  .anyMatch(
                      x ->
                          "Ready".equals(x.getType())
                              && "CredentialsConflict".equals(x.getReason()));
        });
    assertThat(
            c.builder("pool").getStatus().getConditions().stream()
                .filter(x -> "Ready".equals(x.getType()))
                .findFirst()
                .orElseThrow()
                .getMessage())
        .contains("Secret pool-slipway-tls", "is not this Builder's", "rename or delete");
    assertThat(values(secret(c, "pool-slipway-tls")))
        .containsExactly(Map.entry("mine", "user data"));
    assertThat(client.apps().statefulSets().inNamespace(c.namespace).withName("pool").get())
        .as("no pods without their credentials")
        .isNull();
  }

  private static String annotation(OperatorHarness<?> c) {
    var set = client.apps().statefulSets().inNamespace(c.namespace).withName("pool").get();
    return set == null
        ? ""
        : set.getSpec().getTemplate().getMetadata().getAnnotations().get("slipway.dev/credentials");
  }

  private static Secret secret(OperatorHarness<?> c, String name) {
    return client.secrets().inNamespace(c.namespace).withName(name).get();
  }

  static Map<String, String> values(Secret secret) {
    Map<String, String> values = new HashMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return values;
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
