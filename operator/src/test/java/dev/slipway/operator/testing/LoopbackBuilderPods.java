package dev.slipway.operator.testing;

import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.testing.BuilderProcess;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builder pods as real {@code bin/slipway-builder} processes on loopback, set up as the kubelet
 * would set up the pod: the token from the Builder's Secret in a file, the container's environment
 * from the pod template, a state directory that outlives a restart of the pod (its cache PVC). The
 * pod's endpoint is routed to the process in {@link LoopbackBuilderChannels}.
 */
public final class LoopbackBuilderPods implements BuilderPodStarter<BuilderProcess> {

  private final KubernetesClient client;
  private final String namespace;
  private final Path repo;
  private final Path work;
  private final LoopbackBuilderChannels channels;

  /**
   * @param repo the Slipway checkout whose {@code bin/slipway-builder} runs
   * @param work where the pods' tokens, state directories and logs go
   */
  public LoopbackBuilderPods(
      KubernetesClient client,
      String namespace,
      Path repo,
      Path work,
      LoopbackBuilderChannels channels) {
    this.client = client;
    this.namespace = namespace;
    this.repo = repo;
    this.work = work;
    this.channels = channels;
  }

  @Override
  public BuilderProcess start(StatefulSet set, String podName, String endpoint) throws IOException {
    String builder = set.getSpec().getSelector().getMatchLabels().get(BuilderNames.BUILDER_LABEL);
    Path token = work.resolve(podName + ".token");
    Files.deleteIfExists(token);
    Files.createFile(
        token, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(token, token(builder));
    Map<String, String> environment = new HashMap<>();
    for (EnvVar env : set.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      if (env.getValue() != null) {
        environment.put(env.getName(), env.getValue());
      }
    }
    BuilderProcess process =
        BuilderProcess.start(repo, work.resolve(podName + "-state"), token, environment);
    channels.route(endpoint, process.port());
    return process;
  }

  /** The token the operator generated, as the pod's Secret volume would hold it. */
  private byte[] token(String builder) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Secret secret =
          client.secrets().inNamespace(namespace).withName(BuilderNames.tokenSecret(builder)).get();
      if (secret != null && secret.getData() != null) {
        String value = secret.getData().get(BuilderNames.TOKEN_KEY);
        if (value != null) {
          return Base64.getDecoder().decode(value);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException(
        "Secret " + BuilderNames.tokenSecret(builder) + " in " + namespace + " never appeared");
  }
}
