package dev.slipway.e2e.journeys;

import static dev.slipway.e2e.SlipwayInstallation.IMAGE_REPO;
import static dev.slipway.e2e.SlipwayInstallation.IMAGE_TAG;
import static dev.slipway.e2e.journeys.BuildsNamespace.NAMESPACE;
import static dev.slipway.e2e.journeys.BuildsNamespace.NONCE;
import static dev.slipway.e2e.journeys.BuildsNamespace.describe;
import static dev.slipway.e2e.journeys.PoolManifests.AUTOSCALED;
import static dev.slipway.e2e.journeys.PoolManifests.POOL;
import static dev.slipway.e2e.journeys.PoolManifests.POOL_PORT;
import static dev.slipway.e2e.journeys.PoolManifests.ROLLED_TAG;
import static dev.slipway.e2e.journeys.PoolManifests.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildPhase;
import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildSteps;
import dev.slipway.api.resource.Builder;
import dev.slipway.e2e.Await;
import dev.slipway.e2e.LoopbackCluster;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Issue 17's journeys on the 3-node cluster, GitOps BuildRequests only (a CLI's port-forward
 * reaches only node 1's pods): (a) a project's second build lands on the replica holding its cache
 * and runs no step; (b) with that replica busy, another one takes the cached steps from it as a
 * peer; (c) queued builds scale an autoscaled Builder from 1 to 3 replicas and back; (d) a Builder
 * image change during 6 running builds loses none. Fields the issue adds (placement, draining,
 * autoscaling) are read from the raw objects, so a failure says what was missing.
 */
final class ScaleOutJourneys {

  private static final Duration SCALE_TIMEOUT = Duration.ofMinutes(5);
  private static final String BUILDER_IMAGE = IMAGE_REPO + "/slipway-builder";

  private final LoopbackCluster cluster;
  private final KubernetesClient client;
  private final BuildsNamespace builds;
  private final Path work;

  /** The replica that built project {@code warm} in (a), whose cache (b) takes from. */
  private String warmPod;

  ScaleOutJourneys(LoopbackCluster cluster, BuildsNamespace builds, Path work) {
    this.cluster = cluster;
    this.client = cluster.client();
    this.builds = builds;
    this.work = work;
  }

  // --- (a) ----------------------------------------------------------------------------------

  void aSecondBuildOfAProjectLandsOnTheReplicaWithItsCacheAndRunsNoStep() {
    builds.apply(PoolManifests.pool());
    awaitReady(POOL, 3);
    Map<String, String> nodes = nodesOf(POOL);
    assertThat(new TreeSet<>(nodes.values()))
        .as("the pool's pods on three nodes (pod -> node): " + nodes)
        .hasSize(3);
    for (var status : builder(POOL).getStatus().getPods()) {
      assertThat(status.getEndpoint())
          .as("pod " + status.getName() + " serves on its node's address")
          .isEqualTo(nodes.get(status.getName()) + ":" + POOL_PORT);
    }

    builds.apply(PoolManifests.project("warm"));
    BuildRequest first = succeeded("warm-1", request("warm-1", POOL, "warm", "{}"));
    warmPod = first.getStatus().getBuilderPod();
    assertThat(first.getStatus().getSteps().getCached())
        .as(
            "the first build of a new project runs its steps: cached %s",
            first.getStatus().getSteps().getCached())
        .isLessThan(PoolManifests.PROJECT_RUN_STEPS);

    BuildRequest second = succeeded("warm-2", request("warm-2", POOL, "warm", "{}"));
    Map<String, Object> placement = placement("warm-2");
    assertThat(placement)
        .as("status.placement of the second build (the first ran on %s)", warmPod)
        .containsEntry("pod", warmPod)
        .containsEntry("reason", "CacheAffinity");
    assertThat(second.getStatus().getBuilderPod()).isEqualTo(warmPod);
    assertRanNoStep(second);
    assertThat(eventMessages("BuildRequest", "warm-2", "Placed"))
        .as("the Placed event of warm-2")
        .anySatisfy(m -> assertThat(m).startsWith("placed on " + warmPod));
  }

  // --- (b) ----------------------------------------------------------------------------------

  void withThatReplicaBusyTheBuildTakesTheCachedStepsFromItsPeer() {
    assertThat(warmPod).as("journey (a) found the warm replica").isNotNull();
    List<String> busy = List.of("busy-1", "busy-2");
    for (String name : busy) {
      // Same project (context and Dockerfile): placed on the warm replica, until its 2 slots are
      // taken; the sleep is a step of its own, so its other steps stay cached.
      builds.apply(request(name, POOL, "warm", "{SLEEP: \"600\"}"));
      BuildRequest running = builds.awaitRunning(name);
      assertThat(running.getStatus().getBuilderPod())
          .as("%s fills a slot of the warm replica %s (%s)", name, warmPod, describe(running))
          .isEqualTo(warmPod);
    }
    try {
      BuildRequest moved = succeeded("peer-1", request("peer-1", POOL, "warm", "{}"));
      String pod = moved.getStatus().getBuilderPod();
      assertThat(pod).as("the build moves off the busy replica %s", warmPod).isNotEqualTo(warmPod);
      assertRanNoStep(moved);
      String log = client.pods().inNamespace(NAMESPACE).withName(pod).getLog();
      assertThat(log)
          .as("the log of %s says where its cached steps came from", pod)
          .contains("cache from peer " + warmPod + " (" + endpoint(POOL, warmPod) + ")");
    } finally {
      for (String name : busy) {
        cancel(name);
      }
    }
    for (String name : busy) {
      assertThat(builds.awaitEnd(name).getStatus().getPhase()).isEqualTo(BuildPhase.CANCELLED);
    }
  }

  // --- (c) ----------------------------------------------------------------------------------

  void queuedBuildsScaleABuilderFromOneToThreeReplicasAndBack() {
    builds.apply(PoolManifests.autoscaled());
    awaitReady(AUTOSCALED, 1);
    builds.apply(PoolManifests.sleeper("queue", 10));
    List<String> names = IntStream.range(0, 20).mapToObj(i -> "queued-" + i).toList();
    builds.apply(
        names.stream()
            .map(n -> request(n, AUTOSCALED, "queue", "{N: \"" + n + "\"}"))
            .collect(Collectors.joining()));

    Await.until(
        "20 queued builds to scale Builder " + AUTOSCALED + " to 3 ready replicas",
        SCALE_TIMEOUT,
        () -> scaleSummary(AUTOSCALED),
        s -> s.contains("ready 3,"));
    List<BuildRequest> ended = names.stream().map(builds::awaitEnd).toList();
    assertThat(ended)
        .as("the 20 queued builds")
        .allSatisfy(
            r ->
                assertThat(r.getStatus().getPhase())
                    .as(describe(r))
                    .isEqualTo(BuildPhase.SUCCEEDED));
    assertThat(ended.stream().map(r -> r.getStatus().getBuilderPod()).collect(Collectors.toSet()))
        .as("the builds ran on the pods the scale-up added")
        .hasSizeGreaterThan(1);

    Await.until(
        "Builder " + AUTOSCALED + " back to 1 replica after its 20 s scale-down delay",
        SCALE_TIMEOUT,
        () -> scaleSummary(AUTOSCALED),
        s -> s.startsWith("replicas 1, ready 1, pods 1,"));
    assertThat(eventReasons("Builder", AUTOSCALED))
        .as("the Builder's events")
        .contains("ScaledUp", "ScaledDown");
    deleteBuilder(AUTOSCALED);
  }

  // --- (d) ----------------------------------------------------------------------------------

  void aBuilderImageChangeDuringSixRunningBuildsLosesNone() {
    String rolled = BUILDER_IMAGE + ":" + ROLLED_TAG;
    tagOnEveryNode(BUILDER_IMAGE + ":" + IMAGE_TAG, rolled);
    awaitReady(POOL, 3);
    builds.apply(PoolManifests.sleeper("rolling", 45));
    List<String> names = IntStream.range(0, 6).mapToObj(i -> "rolling-" + i).toList();
    builds.apply(
        names.stream()
            .map(n -> request(n, POOL, "rolling", "{N: \"" + n + "\"}"))
            .collect(Collectors.joining()));
    names.forEach(builds::awaitRunning);

    cluster
        .kubectl(
            "patch",
            "builder",
            "-n",
            NAMESPACE,
            POOL,
            "--type=merge",
            "-p",
            "{\"spec\":{\"image\":\"" + rolled + "\"}}")
        .requireSuccess();
    Set<String> drained = new TreeSet<>();
    List<BuildRequest> ended = new ArrayList<>();
    for (String name : names) {
      ended.add(
          Await.until(
              name + " to end while the pool rolls to " + rolled,
              BuildsNamespace.BUILD_TIMEOUT,
              () -> {
                drained.addAll(drainingPods(POOL));
                return builds.request(name);
              },
              r ->
                  r.getStatus() != null
                      && r.getStatus().getPhase() != null
                      && r.getStatus().getPhase().isFinal()));
    }
    assertThat(ended)
        .as("the 6 builds running when the image changed")
        .allSatisfy(
            r -> {
              assertThat(r.getStatus().getPhase()).as(describe(r)).isEqualTo(BuildPhase.SUCCEEDED);
              assertThat(r.getStatus().getAttempts())
                  .as("%s finished on its first pod, not retried", r.getMetadata().getName())
                  .isEqualTo(1);
            });
    assertThat(drained)
        .as("pods reported draining (status.pods[].draining) while they finished their builds")
        .isNotEmpty();

    Await.until(
        "every pod of " + POOL + " to run " + rolled + " and be ready",
        Duration.ofMinutes(10),
        () -> images(POOL) + " " + scaleSummary(POOL),
        s ->
            s.startsWith("[" + rolled + ", " + rolled + ", " + rolled + "]")
                && s.contains("ready 3,"));
    deleteBuilder(POOL);
  }

  // --- what the journeys look at ------------------------------------------------------------

  /** Applies {@code manifest} (the request {@code name}) and returns it Succeeded. */
  private BuildRequest succeeded(String name, String manifest) {
    builds.apply(manifest);
    BuildRequest done = builds.awaitEnd(name);
    assertThat(done.getStatus().getPhase()).as(describe(done)).isEqualTo(BuildPhase.SUCCEEDED);
    return done;
  }

  /**
   * Every RUN step of {@link PoolManifests#project} was answered from a cache: the engine reports
   * those CACHED; sources (FROM, the context) are resolved on every build and reported done.
   */
  private static void assertRanNoStep(BuildRequest request) {
    BuildSteps steps = request.getStatus().getSteps();
    assertThat(steps).as("status.steps of " + describe(request)).isNotNull();
    assertThat(steps.getCached())
        .as(
            "%s ran none of its %d RUN steps: cached %s, done %s of %s",
            request.getMetadata().getName(),
            PoolManifests.PROJECT_RUN_STEPS,
            steps.getCached(),
            steps.getDone(),
            steps.getTotal())
        .isGreaterThanOrEqualTo(PoolManifests.PROJECT_RUN_STEPS);
    assertThat(steps.getDone()).isEqualTo(steps.getTotal());
  }

  private void cancel(String name) {
    cluster
        .kubectl(
            "patch",
            "buildrequest",
            "-n",
            NAMESPACE,
            name,
            "--type=merge",
            "-p",
            "{\"spec\":{\"cancel\":true}}")
        .requireSuccess();
  }

  /** After a journey passed (a failed one leaves its pods for the saved logs): fewer JVMs. */
  private void deleteBuilder(String name) {
    cluster
        .kubectl("delete", "builder", "-n", NAMESPACE, name, "--wait=true", "--timeout=3m")
        .requireSuccess();
  }

  private Builder builder(String name) {
    return client.resources(Builder.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** The endpoint (host:port) the Builder's status gives for {@code pod}. */
  private String endpoint(String builder, String pod) {
    return builder(builder).getStatus().getPods().stream()
        .filter(p -> pod.equals(p.getName()))
        .map(p -> p.getEndpoint())
        .findFirst()
        .orElseThrow(() -> new AssertionError("Builder " + builder + " lists no pod " + pod));
  }

  private void awaitReady(String name, int replicas) {
    Await.until(
        "Builder " + name + " to report " + replicas + " ready pods",
        SCALE_TIMEOUT,
        () -> scaleSummary(name),
        s -> s.contains("ready " + replicas + ","));
  }

  /** Replicas wanted, ready, the pods that exist, and what the operator wants (for messages). */
  private String scaleSummary(String name) {
    GenericKubernetesResource raw = raw("Builder", name);
    if (raw == null) {
      return "no Builder " + name;
    }
    return "replicas "
        + field(raw, "spec", "replicas")
        + ", ready "
        + field(raw, "status", "readyReplicas")
        + ", pods "
        + pods(name).size()
        + ", desiredReplicas "
        + field(raw, "status", "desiredReplicas");
  }

  private List<Pod> pods(String builder) {
    return client.pods().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(p -> p.getMetadata().getName().matches(builder + "-[0-9]+"))
        .toList();
  }

  /** Pod name -> the node it runs on (named by its loopback address). */
  private Map<String, String> nodesOf(String builder) {
    Map<String, String> nodes = new TreeMap<>();
    pods(builder).forEach(p -> nodes.put(p.getMetadata().getName(), p.getSpec().getNodeName()));
    return nodes;
  }

  /** The builder container's image of each pod, in pod order. */
  private List<String> images(String builder) {
    return pods(builder).stream()
        .sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()))
        .map(p -> p.getSpec().getContainers().getFirst().getImage())
        .toList();
  }

  private Set<String> drainingPods(String builder) {
    Set<String> draining = new TreeSet<>();
    if (field(raw("Builder", builder), "status", "pods") instanceof List<?> pods) {
      for (Object pod : pods) {
        if (pod instanceof Map<?, ?> p && Boolean.TRUE.equals(p.get("draining"))) {
          draining.add(String.valueOf(p.get("name")));
        }
      }
    }
    return draining;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> placement(String request) {
    Object placement = field(raw("BuildRequest", request), "status", "placement");
    assertThat(placement)
        .as("status.placement of " + request + " (pod, reason, message)")
        .isInstanceOf(Map.class);
    return (Map<String, Object>) placement;
  }

  /** The object as the API server has it, with fields this module's api model may not know. */
  private GenericKubernetesResource raw(String kind, String name) {
    return client
        .genericKubernetesResources("slipway.dev/v1alpha1", kind)
        .inNamespace(NAMESPACE)
        .withName(name)
        .get();
  }

  /** The value at {@code path} in {@code raw} (e.g. status, placement), or null. */
  private static Object field(GenericKubernetesResource raw, String... path) {
    Object at = raw == null ? null : raw.getAdditionalProperties();
    for (String key : path) {
      at = at instanceof Map<?, ?> map ? map.get(key) : null;
    }
    return at;
  }

  private List<Event> events(String kind, String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> kind.equals(e.getInvolvedObject().getKind()))
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  private List<String> eventMessages(String kind, String name, String reason) {
    return events(kind, name).stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(Event::getMessage)
        .filter(Objects::nonNull)
        .toList();
  }

  private List<String> eventReasons(String kind, String name) {
    return events(kind, name).stream().map(Event::getReason).distinct().toList();
  }

  /**
   * Puts {@code image} in every node's containerd under a second name as well: tagged on node 1,
   * exported, and imported into all running nodes as the cluster imports any image.
   */
  private void tagOnEveryNode(String image, String second) {
    cluster.ctr("images", "tag", "--force", image, second).requireSuccess();
    Path archive = work.resolve("builder-" + ROLLED_TAG + "-" + NONCE + ".tar");
    cluster.ctr("images", "export", archive.toString(), second).requireSuccess();
    cluster.importImage(archive);
  }
}
