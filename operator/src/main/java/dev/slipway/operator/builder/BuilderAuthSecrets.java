package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import dev.slipway.operator.auth.BuilderAccess;
import dev.slipway.operator.auth.CertificateAuthority;
import dev.slipway.operator.auth.ServerCertificate;
import dev.slipway.session.auth.GrantSigner;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The credentials of one Builder, in two Secrets it owns. The signing Secret (read only by the
 * operator, never mounted) holds the ES256 key that signs grants and the CA key. The TLS Secret
 * (mounted by the pods) holds the grants' public key and the pods' server certificate and key,
 * renewed {@link #RENEW_BEFORE} before it expires. Both are read and written with direct API calls:
 * the operator keeps no informer, and so no cache, of Secrets.
 */
public final class BuilderAuthSecrets {

  private static final Logger LOG = Logger.getLogger(BuilderAuthSecrets.class);

  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration SERVER_VALIDITY = Duration.ofDays(90);
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final BuilderPods pods;
  private final Clock clock;

  public BuilderAuthSecrets(BuilderPods pods, Clock clock) {
    this.pods = pods;
    this.clock = clock;
  }

  /** A Secret of the operator's name exists but is not this Builder's: it is left alone. */
  public static final class ConflictException extends RuntimeException {
    ConflictException(String message) {
      super(message);
    }
  }

  /**
   * Makes sure both Secrets exist and are current; returns a fingerprint of what the pods mount, so
   * that a renewed certificate rolls them.
   */
  public String reconcile(Builder builder, KubernetesClient client) {
    String namespace = builder.getMetadata().getNamespace();
    String name = builder.getMetadata().getName();
    Secret signing = owned(builder, client, BuilderNames.signingSecret(name));
    Optional<Signing> current = signing == null ? Optional.empty() : Signing.of(signing);
    Signing keys;
    if (current.isPresent()) {
      keys = current.get();
    } else {
      if (signing != null) {
        LOG.warnf(
            "Secret %s/%s is unreadable; making new keys",
            namespace, signing.getMetadata().getName());
      }
      keys =
          new Signing(
              GrantSigner.generate(),
              CertificateAuthority.generate(
                  "slipway builder " + namespace + "/" + name, CA_VALIDITY));
      write(
          client,
          secret(builder, BuilderNames.signingSecret(name), "builder-signing", keys.data()));
    }
    Secret tls = owned(builder, client, BuilderNames.tlsSecret(name));
    Map<String, String> mounted = tls == null ? Map.of() : decoded(tls);
    if (!current(mounted, keys)) {
      ServerCertificate server =
          keys.ca()
              .issue(
                  BuilderNames.service(name) + "." + namespace + ".svc",
                  dnsNames(namespace, name),
                  List.of("127.0.0.1"),
                  SERVER_VALIDITY);
      mounted =
          Map.of(
              BuilderNames.AUTH_PUBLIC_KEY, keys.signer().publicKeyPem(),
              BuilderNames.CA_CERT, keys.ca().certificatePem(),
              BuilderNames.TLS_CERT, server.certificatePem(),
              BuilderNames.TLS_KEY, server.privateKeyPem());
      write(client, secret(builder, BuilderNames.tlsSecret(name), "builder-tls", mounted));
      LOG.infof("Builder %s/%s: wrote a new server certificate", namespace, name);
    }
    pods.remember(
        namespace,
        name,
        new BuilderAccess(
            keys.signer(),
            BuilderNames.audience(namespace, name),
            keys.ca().certificatePem(),
            clock));
    return fingerprint(
        mounted.get(BuilderNames.AUTH_PUBLIC_KEY) + mounted.get(BuilderNames.TLS_CERT));
  }

  /** The access that the signing Secret holds, for an operator that has not reconciled yet. */
  static Optional<BuilderAccess> read(KubernetesClient client, String namespace, String builder) {
    Secret secret =
        client.secrets().inNamespace(namespace).withName(BuilderNames.signingSecret(builder)).get();
    if (secret == null
        || !"builder-signing".equals(labels(secret).get(BuilderNames.CREDENTIAL_LABEL))
        || secret.getMetadata().getOwnerReferences() == null
        || secret.getMetadata().getOwnerReferences().stream()
            .noneMatch(o -> "Builder".equals(o.getKind()) && builder.equals(o.getName()))) {
      return Optional.empty();
    }
    return Signing.of(secret)
        .map(
            s ->
                new BuilderAccess(
                    s.signer(),
                    BuilderNames.audience(namespace, builder),
                    s.ca().certificatePem(),
                    Clock.systemUTC()));
  }

  /** The names the pods' certificate holds: the Service's, each pod's, and loopback's. */
  static List<String> dnsNames(String namespace, String builder) {
    String service = BuilderNames.service(builder);
    String svc = service + "." + namespace + ".svc";
    return List.of(
        service,
        service + "." + namespace,
        svc,
        svc + ".cluster.local",
        "*." + svc,
        "*." + svc + ".cluster.local",
        "localhost");
  }

  private boolean current(Map<String, String> mounted, Signing keys) {
    String cert = mounted.get(BuilderNames.TLS_CERT);
    if (cert == null
        || mounted.get(BuilderNames.TLS_KEY) == null
        || !keys.signer().publicKeyPem().equals(mounted.get(BuilderNames.AUTH_PUBLIC_KEY))
        || !keys.ca().certificatePem().equals(mounted.get(BuilderNames.CA_CERT))) {
      return false;
    }
    try {
      return ServerCertificate.notAfter(cert).isAfter(clock.instant().plus(RENEW_BEFORE));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The Secret {@code name} if it is this Builder's; null if absent; a conflict if someone else's.
   */
  private static Secret owned(Builder builder, KubernetesClient client, String name) {
    Secret secret =
        client.secrets().inNamespace(builder.getMetadata().getNamespace()).withName(name).get();
    if (secret == null) {
      return null;
    }
    boolean ours =
        secret.getMetadata().getOwnerReferences() != null
            && secret.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> builder.getMetadata().getUid().equals(o.getUid()));
    if (!ours) {
      throw new ConflictException(
          "Secret "
              + name
              + " in namespace "
              + builder.getMetadata().getNamespace()
              + " exists but is not this Builder's; the operator keeps the Builder's credentials"
              + " under that name: rename or delete that Secret, or rename the Builder");
    }
    return secret;
  }

  private static Secret secret(
      Builder builder, String name, String kind, Map<String, String> values) {
    Map<String, String> labels = new HashMap<>(BuilderNames.labels(builder));
    labels.put(BuilderNames.CREDENTIAL_LABEL, kind);
    Map<String, String> data = new HashMap<>();
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(builder.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(
            new OwnerReferenceBuilder()
                .withApiVersion(builder.getApiVersion())
                .withKind(builder.getKind())
                .withName(builder.getMetadata().getName())
                .withUid(builder.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build())
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  private static void write(KubernetesClient client, Secret secret) {
    client.secrets().resource(secret).createOr(NonDeletingOperation::update);
  }

  private static Map<String, String> labels(Secret secret) {
    return secret.getMetadata().getLabels() == null ? Map.of() : secret.getMetadata().getLabels();
  }

  static Map<String, String> decoded(Secret secret) {
    Map<String, String> values = new HashMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) ->
                  values.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return values;
  }

  private static String fingerprint(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The signing Secret's contents. */
  private record Signing(GrantSigner signer, CertificateAuthority ca) {

    static Optional<Signing> of(Secret secret) {
      Map<String, String> values = decoded(secret);
      String key = values.get(BuilderNames.SIGNING_KEY);
      String caCert = values.get(BuilderNames.CA_CERT);
      String caKey = values.get(BuilderNames.CA_KEY);
      if (key == null || caCert == null || caKey == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Signing(
                GrantSigner.fromPrivateKeyPem(key), CertificateAuthority.fromPem(caCert, caKey)));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }

    Map<String, String> data() {
      return Map.of(
          BuilderNames.SIGNING_KEY, signer.privateKeyPem(),
          BuilderNames.CA_CERT, ca.certificatePem(),
          BuilderNames.CA_KEY, ca.privateKeyPem());
    }

    @Override
    public String toString() {
      return "Signing[redacted]";
    }
  }
}
