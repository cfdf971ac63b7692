package dev.slipway.operator.testing;

import static org.assertj.core.api.Assertions.fail;

import dev.slipway.api.resource.BuildContextSource;
import dev.slipway.api.resource.BuildOutput;
import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestSpec;
import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderReference;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.api.resource.GitContext;
import dev.slipway.api.resource.OutputType;
import dev.slipway.operator.build.BuildRequestReconciler;
import dev.slipway.operator.build.BuildRuns;
import dev.slipway.operator.build.BuilderQueues;
import dev.slipway.operator.builder.BuilderDefaults;
import dev.slipway.operator.builder.BuilderPods;
import dev.slipway.operator.builder.BuilderReconciler;
import dev.slipway.operator.builder.BuilderWakeups;
import dev.slipway.operator.control.BuilderChannels;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.scaling.QueueAutoscaler;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The operator's two reconcilers, run as plain classes against a Kubernetes API (here the fabric8
 * mock server in CRUD mode) with builder pods played by {@link FakeStatefulSetController}: {@link
 * FakeBuilderPod}s in process ({@link #withFakePods}), or real builder processes on loopback.
 * Scenarios only create, change and read resources, so they could run against a real API server
 * too.
 */
public final class OperatorHarness<P extends AutoCloseable> implements AutoCloseable {

  public static final String DEFAULT_IMAGE = "127.0.0.1:5000/slipway-builder:test";

  public final KubernetesClient client;
  public final String namespace;
  public final FakeStatefulSetController<P> pods;

  /** The queue waits the operator recorded (its metrics' samples), across restarts. */
  public final List<Duration> queueWaits = new CopyOnWriteArrayList<>();

  private final BuilderChannels channels;
  private Operator operator;

  /**
   * @param channels how the operator reaches the pods that {@code starter} starts
   */
  public OperatorHarness(
      KubernetesClient client,
      String namespace,
      BuilderChannels channels,
      BuilderPodStarter<P> starter) {
    this.client = client;
    this.namespace = namespace;
    this.channels = channels;
    this.pods = new FakeStatefulSetController<>(client, namespace, starter);
    startOperator();
  }

  /** Builder pods that are {@link FakeBuilderPod}s, each running up to {@code maxParallel}. */
  public static OperatorHarness<FakeBuilderPod> withFakePods(
      KubernetesClient client, String namespace, int maxParallelBuildsPerPod) {
    return new OperatorHarness<>(
        client,
        namespace,
        new InProcessBuilderChannels(),
        (set, pod, endpoint) -> new FakeBuilderPod(pod, endpoint, maxParallelBuildsPerPod));
  }

  /** Starts the operator (again, after {@link #stopOperator()}: a restart with empty memory). */
  public void startOperator() {
    BuilderClient builderClient = new BuilderClient(channels);
    BuilderPods builderPods = new BuilderPods();
    BuilderQueues queues = new BuilderQueues();
    BuilderWakeups builderWakeups = new BuilderWakeups();
    operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .checkingCRDAndValidateLocalModel(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withConcurrentReconciliationThreads(8));
    operator.register(
        new BuilderReconciler(
            new BuilderDefaults(DEFAULT_IMAGE),
            builderPods,
            builderClient,
            new QueueAutoscaler(queues, Clock.systemUTC()),
            builderWakeups),
        c -> c.settingNamespaces(namespace));
    var buildRequests =
        new BuildRequestReconciler(
            builderClient, builderPods, new BuildRuns(), queues, builderWakeups);
    buildRequests.queueWaits().listen(queueWaits::add);
    operator.register(buildRequests, c -> c.settingNamespaces(namespace));
    operator.start();
  }

  public void stopOperator() {
    operator.stop();
  }

  public Builder createBuilder(String name, int replicas, int maxParallelBuilds) {
    return createBuilder(name, replicas, maxParallelBuilds, s -> {});
  }

  public Builder createBuilder(
      String name, int replicas, int maxParallelBuilds, Consumer<BuilderSpec> customize) {
    Builder builder = new Builder();
    builder.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    BuilderSpec spec = new BuilderSpec();
    spec.setReplicas(replicas);
    spec.setMaxParallelBuilds(maxParallelBuilds);
    customize.accept(spec);
    builder.setSpec(spec);
    return client.resource(builder).create();
  }

  public Builder builder(String name) {
    return client.resources(Builder.class).inNamespace(namespace).withName(name).get();
  }

  public void editBuilder(String name, Consumer<BuilderSpec> change) {
    retryingConflicts(
        () ->
            client
                .resources(Builder.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(
                    b -> {
                      change.accept(b.getSpec());
                      return b;
                    }));
  }

  /** A request for a git context that the fake pod "builds" for {@code durationMs}. */
  public BuildRequest createRequest(
      String name, String builder, long durationMs, Consumer<BuildRequestSpec> customize) {
    BuildRequest request = new BuildRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    BuildRequestSpec spec = new BuildRequestSpec();
    BuilderReference ref = new BuilderReference();
    ref.setName(builder);
    spec.setBuilderRef(ref);
    BuildContextSource context = new BuildContextSource();
    GitContext git = new GitContext();
    git.setUrl("git://127.0.0.1/" + name + ".git");
    context.setGit(git);
    spec.setContext(context);
    BuildOutput output = new BuildOutput();
    output.setType(OutputType.IMAGE);
    output.setNames(List.of("127.0.0.1:5000/" + name + ":latest"));
    spec.setOutputs(List.of(output));
    Map<String, String> args = new HashMap<>();
    args.put("FAKE_DURATION_MS", String.valueOf(durationMs));
    spec.setBuildArgs(args);
    customize.accept(spec);
    request.setSpec(spec);
    return client.resource(request).create();
  }

  public BuildRequest request(String name) {
    return client.resources(BuildRequest.class).inNamespace(namespace).withName(name).get();
  }

  public BuildPhase phase(String name) {
    BuildRequest r = request(name);
    return r == null || r.getStatus() == null ? null : r.getStatus().getPhase();
  }

  public void editRequest(String name, Consumer<BuildRequestSpec> change) {
    retryingConflicts(
        () ->
            client
                .resources(BuildRequest.class)
                .inNamespace(namespace)
                .withName(name)
                .edit(
                    r -> {
                      change.accept(r.getSpec());
                      return r;
                    }));
  }

  /** Like kubectl edit: the operator writes status concurrently, so try again on a conflict. */
  private static void retryingConflicts(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  public static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    fail("timed out after " + timeout + " waiting for " + what);
  }

  @Override
  public void close() {
    operator.stop();
    pods.close();
    channels.close();
  }
}
