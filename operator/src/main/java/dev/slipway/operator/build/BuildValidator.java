package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * Checks what the CRD schema cannot: that the objects a BuildRequest names exist. Each problem is
 * said with the field, the missing object and what to do.
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
    var secrets =
        spec.getSecrets() == null
            ? java.util.List.<dev.slipway.api.resource.SecretMount>of()
            : spec.getSecrets();
    for (int i = 0; i < secrets.size(); i++) {
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
    var ssh =
        spec.getSsh() == null
            ? java.util.List.<dev.slipway.api.resource.SshMount>of()
            : spec.getSsh();
    for (int i = 0; i < ssh.size(); i++) {
      if (ssh.get(i).getSecretRef() != null) {
        return Optional.of(
            "spec.ssh["
                + i
                + "].secretRef: ssh agents backed by Kubernetes Secrets are not supported by this"
                + " operator version; use a client context (slipway build --ssh) or mount the"
                + " credential as a secret (spec.secrets)");
      }
    }
    var context = spec.getContext();
    if (context.getGit() != null && context.getGit().getSecretName() != null) {
      if (SolveRequests.isSshUrl(context.getGit().getUrl())) {
        return Optional.of(
            "spec.context.git.secretName: ssh git URLs with a Secret are not supported by this"
                + " operator version; use an https URL with a token (keys username and password)");
      }
      Secret secret = secret(client, namespace, context.getGit().getSecretName());
      if (secret == null) {
        return Optional.of(
            "spec.context.git.secretName: Secret \""
                + context.getGit().getSecretName()
                + "\" does not exist in namespace "
                + namespace
                + "; create it with keys username and password");
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
    boolean hasKey =
        (secret.getData() != null && secret.getData().containsKey(ref.getKey()))
            || (secret.getStringData() != null && secret.getStringData().containsKey(ref.getKey()));
    if (!hasKey && !Boolean.TRUE.equals(ref.getOptional())) {
      return Optional.of(
          field
              + ": Secret \""
              + ref.getName()
              + "\" has no key \""
              + ref.getKey()
              + "\"; add the key or fix secretKeyRef.key");
    }
    return Optional.empty();
  }
}
