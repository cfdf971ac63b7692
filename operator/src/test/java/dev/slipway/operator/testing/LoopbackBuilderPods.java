package dev.slipway.operator.testing;

import dev.slipway.operator.builder.BuilderNames;
import dev.slipway.testing.BuilderProcess;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builder pods as real {@code bin/slipway-builder} processes on loopback, set up as the kubelet
 * would set up the pod: the items of the pod's Secret volume as files, the auth and TLS flags and
 * the environment from the pod template, a state directory that outlives a restart of the pod (its
 * cache PVC). The pod's endpoint is routed to the process in {@link LoopbackBuilderChannels}.
 */
public final class LoopbackBuilderPods implements BuilderPodStarter<BuilderProcess> {

  /**
   * The pod template's flags that the loopback process takes as they are (with file paths moved).
   */
  private static final List<String> AUTH_FLAGS =
      List.of("--auth-public-key", "--auth-audience", "--tls-cert", "--tls-key");

  private final KubernetesClient client;
  private final String namespace;
  private final Path repo;
  private final Path work;
  private final LoopbackBuilderChannels channels;

  /**
   * @param repo the Slipway checkout whose {@code bin/slipway-builder} runs
   * @param work where the pods' mounted Secrets, state directories and logs go
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
    var pod = set.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    Path mounted = mount(pod.getVolumes(), work.resolve(podName + "-secrets"));
    List<String> flags = new ArrayList<>();
    List<String> args = container.getArgs();
    for (int i = 0; i + 1 < args.size(); i++) {
      if (AUTH_FLAGS.contains(args.get(i))) {
        String value = args.get(i + 1);
        flags.add(args.get(i));
        flags.add(
            value.startsWith(BuilderNames.TLS_DIR + "/")
                ? mounted.resolve(value.substring(BuilderNames.TLS_DIR.length() + 1)).toString()
                : value);
      }
    }
    Map<String, String> environment = new HashMap<>();
    for (EnvVar env : container.getEnv()) {
      if (env.getValue() != null) {
        environment.put(env.getName(), env.getValue());
      }
    }
    BuilderProcess process =
        BuilderProcess.start(repo, work.resolve(podName + "-state"), flags, environment);
    channels.route(endpoint, process.port());
    return process;
  }

  /** Writes the items of the template's Secret volume, as the kubelet mounts them (mode 0400). */
  private Path mount(List<Volume> volumes, Path dir) throws IOException {
    Volume volume = volumes.stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
    Secret secret = await(volume.getSecret().getSecretName());
    Files.createDirectories(dir);
    for (KeyToPath item : volume.getSecret().getItems()) {
      Path file = dir.resolve(item.getPath());
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(file, Base64.getDecoder().decode(secret.getData().get(item.getKey())));
    }
    return dir;
  }

  private Secret await(String name) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
      if (secret != null && secret.getData() != null) {
        return secret;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
    }
    throw new IOException("Secret " + name + " in " + namespace + " never appeared");
  }
}
