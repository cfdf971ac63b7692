package dev.slipway.operator.build;

import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import dev.slipway.session.SessionException;
import dev.slipway.session.credentials.DockerConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator serves a build from: Secret keys read at the moment the builder asks — {@code
 * RUN --mount=type=secret} values, the git context's token, ssh private keys (which the builder
 * loads into an ssh-agent of its own, so no agent channel reaches the operator) — and registry
 * credentials from the Builder's dockerconfigjson Secret. It has no files and takes no outputs.
 */
final class SecretSession implements BuildSession {
  static final String DOCKER_CONFIG_KEY = ".dockerconfigjson";

  private final KubernetesClient kube;
  private final String namespace;
  private final Map<String, SecretKeySelector> secrets;
  private final String registryAuth;

  /**
   * @param secrets Secret keys by the secret id the build asks for
   * @param registryAuth the dockerconfigjson Secret's name, or null for anonymous registries
   */
  SecretSession(
      KubernetesClient kube,
      String namespace,
      Map<String, SecretKeySelector> secrets,
      String registryAuth) {
    this.kube = kube;
    this.namespace = namespace;
    this.secrets = Map.copyOf(secrets);
    this.registryAuth = registryAuth;
  }

  @Override
  public ContextFiles context(String name) throws SessionException {
    throw new SessionException(
        "the operator's session serves secrets and registry credentials only, not the context \""
            + name
            + "\"");
  }

  @Override
  public Optional<byte[]> secret(String id) throws SessionException {
    SecretKeySelector ref = secrets.get(id);
    return ref == null ? Optional.empty() : secretValue(ref.getName(), ref.getKey());
  }

  @Override
  public Optional<Path> sshAgentSocket(String id) throws SessionException {
    throw new SessionException(
        "the operator serves no ssh agent channels: it serves ssh private keys as secrets"
            + " (SolveRequest.ssh_key_secret_ids) for the builder's own agent");
  }

  @Override
  public OutputStream outputStream(OutputDestination dest) throws SessionException {
    throw new SessionException(
        "the operator takes no outputs; \"" + dest.dest() + "\" needs a volume or the CLI");
  }

  /**
   * Anonymous when the Builder names no Secret. A named Secret that is gone, lacks the
   * dockerconfigjson key or is malformed is an error naming it, never a quiet anonymous build.
   */
  @Override
  public Optional<RegistryCredentials> registryCredentials(String host) throws SessionException {
    if (registryAuth == null) {
      return Optional.empty();
    }
    Optional<byte[]> config = secretValue(registryAuth, DOCKER_CONFIG_KEY);
    if (config.isEmpty()) {
      throw new SessionException(
          "the registry Secret "
              + registryAuth
              + " in "
              + namespace
              + " does not exist or has no .dockerconfigjson key; create it as a"
              + " kubernetes.io/dockerconfigjson Secret (kubectl create secret docker-registry "
              + registryAuth
              + ") to reach "
              + host);
    }
    return DockerConfig.parseWithoutHelpers(
            config.get(), "Secret " + registryAuth + " in " + namespace)
        .forHost(host);
  }

  /**
   * The one place a build's Secret values are read: a Secret holding the operator's own credentials
   * (label {@code slipway.dev/credential}) is refused whatever the request names.
   */
  private Optional<byte[]> secretValue(String name, String key) throws SessionException {
    Secret secret = kube.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null) {
      return Optional.empty();
    }
    if (BuildValidator.isCredential(secret)) {
      throw new SessionException(
          "Secret "
              + name
              + " in "
              + namespace
              + " holds credentials the Slipway operator manages; a build may not read them");
    }
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Optional.of(Base64.getDecoder().decode(secret.getData().get(key)));
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return Optional.of(secret.getStringData().get(key).getBytes(StandardCharsets.UTF_8));
    }
    return Optional.empty();
  }
}
