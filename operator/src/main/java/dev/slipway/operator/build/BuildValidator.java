package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SlipwayResources;
import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.operator.output.VolumeOutputsCheck;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * Checks what the CRD schema cannot: that the objects a BuildRequest names exist, and that none of
 * them is a Secret that holds the operator's own credentials (a Builder's signing key or
 * certificates, another build's session grant). Each problem is said with the field, the object and
 * what to do.
 */
public final class BuildValidator {

  private BuildValidator() {}

  /** The first problem, or empty when the request can be scheduled. */
  public static Optional<String> problem(
      BuildRequest request, Optional<Builder> builder, KubernetesClient client) {
    BuildRequestSpec spec = request.getSpec();
    String namespace = request.getMetadata().getNamespace();
    if (builder.isEmpty()) {
      return Optional.of(
          "spec.builderRef: Builder \""
              + spec.getBuilderRef().getName()
              + "\" does not exist in namespace "
              + namespace
              + "; create it (kubectl get builders -n "
              + namespace
              + " lists the ones there) or fix builderRef.name");
    }
    Secret session =
        secret(client, namespace, SlipwayResources.sessionSecret(request.getMetadata().getName()));
    if (session != null && !BuildGrants.ownedBy(session, request)) {
      return Optional.of(BuildGrants.conflict(request));
    }
    Optional<String> outputs = VolumeOutputsCheck.problem(spec);
    if (outputs.isPresent()) {
      return outputs;
    }
    Optional<String> registry = registryAuth(builder.get(), client);
    if (registry.isPresent()) {
      return registry;
    }
    var secrets =
        spec.getSecrets() == null
            ? java.util.List.<dev.slipway.api.resource.SecretMount>of()
            : spec.getSecrets();
    for (int i = 0; i < secrets.size(); i++) {
      if (SolveRequests.SIGNING_KEY_SECRET_ID.equals(secrets.get(i).getId())) {
        return Optional.of(
            "spec.secrets["
                + i
                + "].id: \""
                + SolveRequests.SIGNING_KEY_SECRET_ID
                + "\" is reserved for spec.signing's key; give the secret another id");
      }
      SecretKeySelector ref = secrets.get(i).getSecretKeyRef();
      if (ref != null && spec.getContext().getClient() != null) {
        return Optional.of(
            "spec.secrets["
                + i
                + "].secretKeyRef: a build from a client context takes its secrets from the slipway"
                + " CLI that started it (slipway build --secret); drop secretKeyRef, or build from"
                + " a git, http, configMap or image context");
      }
      if (ref != null) {
        Optional<String> p =
            secretKey(client, namespace, ref, "spec.secrets[" + i + "].secretKeyRef");
        if (p.isPresent()) {
          return p;
        }
      }
    }
    if (spec.getSigning() != null) {
      SecretKeySelector key = spec.getSigning().getKeySecretRef();
      if (spec.getContext().getClient() != null) {
        return Optional.of(
            "spec.signing: a build from a client context is served by the slipway CLI that started"
                + " it, which signs with --sign-key only when it builds itself (--local or"
                + " --builder); drop spec.signing, or build from a git, http, configMap or image"
                + " context");
      }
      if (key == null) {
        return Optional.of("spec.signing.keySecretRef: name the Secret key holding the PEM key");
      }
      Optional<String> p = secretKey(client, namespace, key, "spec.signing.keySecretRef");
      if (p.isPresent()) {
        return p;
      }
    }
    var ssh =
        spec.getSsh() == null
            ? java.util.List.<dev.slipway.api.resource.SshMount>of()
            : spec.getSsh();
    for (int i = 0; i < ssh.size(); i++) {
      SecretKeySelector ref = ssh.get(i).getSecretRef();
      if (ref != null && spec.getContext().getClient() != null) {
        return Optional.of(
            "spec.ssh["
                + i
                + "].secretRef: a build from a client context takes its ssh agents from the slipway"
                + " CLI that started it (slipway build --ssh); drop secretRef, or build from a"
                + " git, http, configMap or image context");
      }
      if (ref != null) {
        Optional<String> p = secretKey(client, namespace, ref, "spec.ssh[" + i + "].secretRef");
        if (p.isPresent()) {
          return p;
        }
      }
    }
    var context = spec.getContext();
    if (context.getGit() != null && context.getGit().getSecretName() != null) {
      String name = context.getGit().getSecretName();
      boolean sshUrl = SolveRequests.isSshUrl(context.getGit().getUrl());
      String create =
          sshUrl
              ? "kubectl create secret generic "
                  + name
                  + " --type=kubernetes.io/ssh-auth --from-file=ssh-privatekey=KEY"
              : "keys username and password";
      Secret secret = secret(client, namespace, name);
      if (secret != null && isCredential(secret)) {
        return Optional.of(credential("spec.context.git.secretName", name));
      }
      if (secret == null) {
        return Optional.of(
            "spec.context.git.secretName: Secret \""
                + name
                + "\" does not exist in namespace "
                + namespace
                + "; create it: "
                + create);
      }
      if (sshUrl && !hasKey(secret, BuildSessions.GIT_SSH_KEY)) {
        return Optional.of(
            "spec.context.git.secretName: Secret \""
                + name
                + "\" has no key \""
                + BuildSessions.GIT_SSH_KEY
                + "\", which an ssh URL needs for its private key; create it: "
                + create);
      }
    }
    if (context.getConfigMap() != null
        && configMap(client, namespace, context.getConfigMap().getName()) == null) {
      return Optional.of(
          "spec.context.configMap.name: ConfigMap \""
              + context.getConfigMap().getName()
              + "\" does not exist in namespace "
              + namespace
              + "; create it with the context's files as keys");
    }
    if (context.getClient() != null
        && request.getSpec().getContext().getClient().getSessionId() == null) {
      return Optional.of(
          "spec.context.client.sessionId: a client context is served by the slipway CLI that"
              + " created the request; use slipway build instead of kubectl apply");
    }
    return Optional.empty();
  }

  public static ConfigMap configMap(KubernetesClient client, String namespace, String name) {
    return client.configMaps().inNamespace(namespace).withName(name).get();
  }

  private static Secret secret(KubernetesClient client, String namespace, String name) {
    return client.secrets().inNamespace(namespace).withName(name).get();
  }

  private static Optional<String> secretKey(
      KubernetesClient client, String namespace, SecretKeySelector ref, String field) {
    Secret secret = secret(client, namespace, ref.getName());
    if (secret != null && isCredential(secret)) {
      return Optional.of(credential(field, ref.getName()));
    }
    if (secret == null) {
      return Boolean.TRUE.equals(ref.getOptional())
          ? Optional.empty()
          : Optional.of(
              field
                  + ": Secret \""
                  + ref.getName()
                  + "\" does not exist in namespace "
                  + namespace
                  + "; create it or fix the name");
    }
    if (!hasKey(secret, ref.getKey()) && !Boolean.TRUE.equals(ref.getOptional())) {
      return Optional.of(
          field
              + ": Secret \""
              + ref.getName()
              + "\" has no key \""
              + ref.getKey()
              + "\"; add the key or fix "
              + field
              + ".key");
    }
    return Optional.empty();
  }

  /**
   * The Builder's registry credentials Secret must exist, hold a docker config, be no credential.
   */
  private static Optional<String> registryAuth(Builder builder, KubernetesClient client) {
    var registry = builder.getSpec().getRegistry();
    if (registry == null || registry.getAuthSecretName() == null) {
      return Optional.empty();
    }
    String name = registry.getAuthSecretName();
    String namespace = builder.getMetadata().getNamespace();
    String field = "spec.registry.authSecretName of Builder " + builder.getMetadata().getName();
    Secret secret = secret(client, namespace, name);
    if (secret == null) {
      return Optional.of(
          field
              + ": Secret \""
              + name
              + "\" does not exist in namespace "
              + namespace
              + "; create it: kubectl create secret docker-registry "
              + name
              + " ...");
    }
    if (isCredential(secret)) {
      return Optional.of(credential(field, name));
    }
    if (!hasKey(secret, SecretSession.DOCKER_CONFIG_KEY)) {
      return Optional.of(
          field
              + ": Secret \""
              + name
              + "\" has no key \""
              + SecretSession.DOCKER_CONFIG_KEY
              + "\"; create it with kubectl create secret docker-registry");
    }
    return Optional.empty();
  }

  /** Whether a Secret holds credentials the operator made (for a Builder or another build). */
  static boolean isCredential(Secret secret) {
    return secret.getMetadata().getLabels() != null
        && secret.getMetadata().getLabels().containsKey(BuilderNames.CREDENTIAL_LABEL);
  }

  private static String credential(String field, String name) {
    return field
        + ": Secret \""
        + name
        + "\" holds credentials the Slipway operator manages (label "
        + BuilderNames.CREDENTIAL_LABEL
        + "); a build may not read them: name a Secret of your own";
  }

  private static boolean hasKey(Secret secret, String key) {
    return (secret.getData() != null && secret.getData().containsKey(key))
        || (secret.getStringData() != null && secret.getStringData().containsKey(key));
  }
}
