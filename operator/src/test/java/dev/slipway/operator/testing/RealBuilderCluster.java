package dev.slipway.operator.testing;

import static dev.slipway.operator.testing.OperatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.GitDaemon;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The operator's reconcilers (see {@link OperatorHarness}) with one Builder, {@value #BUILDER}, of
 * one pod that is a real builder process on loopback, and a real {@code git daemon} for the build
 * contexts: what the GitOps integration tests build against.
 *
 * <p>Needs builder-pod's packaged jar, which a reactor build makes before the operator's
 * integration tests.
 */
public final class RealBuilderCluster implements AutoCloseable {

  /** The Builder whose single pod, {@code real-0}, runs every request. */
  public static final String BUILDER = "real";

  private static final Path REPO = Path.of(System.getProperty("slipway.root", "..")).normalize();

  private final KubernetesClient client;
  private final String namespace;
  private final GitDaemon git;
  private final OperatorHarness<BuilderProcess> harness;

  private RealBuilderCluster(
      KubernetesClient client,
      String namespace,
      GitDaemon git,
      OperatorHarness<BuilderProcess> harness) {
    this.client = client;
    this.namespace = namespace;
    this.git = git;
    this.harness = harness;
  }

  /**
   * Starts the git daemon and the operator in {@code namespace}, creates the Builder and returns
   * once its pod is ready; the daemon's repositories and the pod's state and log go under {@code
   * work}.
   */
  public static RealBuilderCluster start(KubernetesClient client, String namespace, Path work)
      throws IOException, InterruptedException {
    assertThat(REPO.resolve("builder-pod/target/slipway-builder.jar"))
        .as(
            "the packaged builder; run this test in a reactor build that packages builder-pod"
                + " first, e.g. ./mvnw -pl builder-pod,operator -am verify")
        .isRegularFile();
    GitDaemon git = GitDaemon.start(work.resolve("git"));
    OperatorHarness<BuilderProcess> harness;
    try {
      LoopbackBuilderChannels channels = new LoopbackBuilderChannels();
      Path pods = Files.createDirectories(work.resolve("pods"));
      harness =
          new OperatorHarness<>(
              client,
              namespace,
              channels,
              new LoopbackBuilderPods(client, namespace, REPO, pods, channels));
    } catch (IOException | RuntimeException e) {
      git.close();
      throw e;
    }
    RealBuilderCluster cluster = new RealBuilderCluster(client, namespace, git, harness);
    try {
      harness.createBuilder(BUILDER, 1, 1);
      await(
          "the builder process to be ready in the Builder's status",
          Duration.ofSeconds(120),
          () ->
              harness.builder(BUILDER).getStatus() != null
                  && Integer.valueOf(1)
                      .equals(harness.builder(BUILDER).getStatus().getReadyReplicas()));
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The git daemon that serves the build contexts. */
  public GitDaemon git() {
    return git;
  }

  /**
   * A Secret of {@code type} ({@code null} for Opaque) holding {@code values}, as {@code kubectl
   * create secret} makes it.
   */
  public void createSecret(String name, String type, Map<String, String> values) {
    SecretBuilder secret = new SecretBuilder().withNewMetadata().withName(name).endMetadata();
    if (type != null) {
      secret.withType(type);
    }
    values.forEach(
        (key, value) ->
            secret.addToData(
                key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    client.secrets().inNamespace(namespace).resource(secret.build()).create();
  }

  /**
   * A request {@code name} for {@link #BUILDER}, without build args: {@code customize} sets its git
   * context and outputs.
   */
  public BuildRequest createRequest(String name, Consumer<BuildRequestSpec> customize) {
    return harness.createRequest(
        name,
        BUILDER,
        0,
        spec -> {
          spec.setBuildArgs(null);
          customize.accept(spec);
        });
  }

  public BuildRequest request(String name) {
    return harness.request(name);
  }

  /** Waits up to five minutes for request {@code name} to reach a final phase; returns it then. */
  public BuildRequest awaitEnd(String name) {
    await(
        name + " to end",
        Duration.ofMinutes(5),
        () -> harness.phase(name) != null && harness.phase(name).isFinal());
    return harness.request(name);
  }

  /** What the builder process has logged so far. */
  public String builderLog() throws IOException {
    return harness.pods.pod(BUILDER + "-0").log();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      harness.close();
    } finally {
      git.close();
    }
  }
}
