package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderPodStatus;
import dev.slipway.api.resource.BuilderStatus;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import dev.slipway.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a Builder into its credentials ({@link BuilderAuthSecrets}: grant signing key, CA, server
 * certificate), headless Service, StatefulSet and PodDisruptionBudget (all owned by the Builder),
 * then reports the pods' readiness, load and cache use with standard conditions. An autoscaled
 * Builder's replicas are set first by the {@link ReplicaAutoscaler}, which {@link BuilderWakeups}
 * calls in promptly when the Builder's queue changes.
 */
@ControllerConfiguration(name = "builder")
public class BuilderReconciler implements Reconciler<Builder> {

  /** Load and cache use change without Kubernetes events: refresh them this often. */
  static final Duration STATUS_REFRESH = Duration.ofSeconds(15);

  /** Where the fingerprint of the pods' credentials passes to the StatefulSet's pod template. */
  static final String CREDENTIALS_FINGERPRINT = "credentials-fingerprint";

  private final BuilderAuthSecrets authSecrets;
  private final BuilderService service = new BuilderService();
  private final BuilderStatefulSet statefulSet;
  private final BuilderDisruptionBudget disruptionBudget = new BuilderDisruptionBudget();
  private final BuilderPods builderPods;
  private final BuilderStatusProbe probe;
  private final ReplicaAutoscaler autoscaler;
  private final BuilderWakeups wakeups;
  private final NodePlatforms nodes = new NodePlatforms();

  public BuilderReconciler(
      BuilderDefaults defaults,
      BuilderPods builderPods,
      BuilderClient builderClient,
      ReplicaAutoscaler autoscaler,
      BuilderWakeups wakeups) {
    this.autoscaler = autoscaler;
    this.wakeups = wakeups;
    this.statefulSet = new BuilderStatefulSet(defaults);
    this.builderPods = builderPods;
    this.authSecrets = new BuilderAuthSecrets(builderPods, Clock.systemUTC());
    this.probe = new BuilderStatusProbe(builderClient);
  }

  @Override
  public List<EventSource<?, Builder>> prepareEventSources(EventSourceContext<Builder> context) {
    List<EventSource<?, Builder>> sources =
        new ArrayList<>(
            EventSourceUtils.dependentEventSources(
                context, service, statefulSet, disruptionBudget));
    sources.add(podEvents(context));
    sources.add(wakeups);
    return sources;
  }

  /** Pods are the StatefulSet's, not ours: map them to their Builder by label. */
  private static InformerEventSource<Pod, Builder> podEvents(EventSourceContext<Builder> context) {
    var config =
        InformerEventSourceConfiguration.from(Pod.class, Builder.class)
            .withName("builder-pods")
            .withLabelSelector(BuilderNames.BUILDER_LABEL)
            .withSecondaryToPrimaryMapper(
                pod ->
                    Set.of(
                        new ResourceID(
                            pod.getMetadata().getLabels().get(BuilderNames.BUILDER_LABEL),
                            pod.getMetadata().getNamespace())))
            .build();
    return new InformerEventSource<>(config, context);
  }

  @Override
  public UpdateControl<Builder> reconcile(Builder builder, Context<Builder> context) {
    try {
      BuilderStatefulSet.drainGrace(builder.getSpec());
    } catch (IllegalArgumentException e) {
      return notReady(builder, context, "InvalidSpec", e.getMessage());
    }
    String fingerprint;
    try {
      fingerprint = authSecrets.reconcile(builder, context.getClient());
    } catch (BuilderAuthSecrets.ConflictException e) {
      return notReady(builder, context, "CredentialsConflict", e.getMessage());
    }
    context.managedWorkflowAndDependentResourceContext().put(CREDENTIALS_FINGERPRINT, fingerprint);
    // Before the StatefulSet: a scale-up reaches it in this reconcile.
    var scaled =
        autoscaler.scale(
            builder,
            context.getSecondaryResources(Pod.class).stream().toList(),
            context.getClient());
    service.reconcile(builder, context);
    var set = statefulSet.reconcile(builder, context);
    disruptionBudget.reconcile(builder, context);

    StatefulSet current =
        set.getSingleResource().or(() -> context.getSecondaryResource(StatefulSet.class)).get();
    BuilderStatus status = status(builder, current, context);
    status.setDesiredReplicas(scaled.desiredReplicas());
    UpdateControl<Builder> control;
    if (sameStatus(builder.getStatus(), status)) {
      control = UpdateControl.noUpdate();
    } else {
      BuilderReadiness.announce(
          context.getClient(), builder, conditions(builder), status.getConditions());
      builder.setStatus(status);
      control = UpdateControl.patchStatus(builder);
    }
    Duration recheck = scaled.recheck();
    return control.rescheduleAfter(
        recheck != null && recheck.compareTo(STATUS_REFRESH) < 0 ? recheck : STATUS_REFRESH);
  }

  /**
   * The Builder cannot get its credentials or its spec is wrong: says so in its status and looks
   * again later.
   */
  private static UpdateControl<Builder> notReady(
      Builder builder, Context<Builder> context, String reason, String message) {
    BuilderStatus status = builder.getStatus() == null ? new BuilderStatus() : builder.getStatus();
    long generation =
        builder.getMetadata().getGeneration() == null ? 0 : builder.getMetadata().getGeneration();
    var stored = status.getConditions();
    status.setConditions(
        Conditions.set(stored, BuilderReadiness.READY, false, reason, message, generation));
    BuilderReadiness.announce(context.getClient(), builder, stored, status.getConditions());
    builder.setStatus(status);
    return UpdateControl.patchStatus(builder).rescheduleAfter(STATUS_REFRESH);
  }

  private BuilderStatus status(Builder builder, StatefulSet set, Context<Builder> context) {
    String name = builder.getMetadata().getName();
    String namespace = builder.getMetadata().getNamespace();
    var access = builderPods.access(context.getClient(), namespace, name).orElse(null);
    List<Pod> owned = context.getSecondaryResources(Pod.class).stream().toList();
    Set<String> marked =
        owned.stream()
            .filter(BuilderNames::draining)
            .map(p -> p.getMetadata().getName())
            .collect(Collectors.toSet());
    List<BuilderPod> pods = BuilderPods.of(owned, name, access);
    List<BuilderStatusProbe.Probe> probes =
        pods.stream().map(p -> probe.probe(p, marked.contains(p.name()))).toList();
    List<BuilderPodStatus> podStatuses =
        probes.stream().map(BuilderStatusProbe.Probe::status).toList();
    List<BuilderPlatforms.ReadyPod> readyPods = readyPods(probes, owned, context);

    long generation =
        builder.getMetadata().getGeneration() == null ? 0 : builder.getMetadata().getGeneration();
    int desired = builder.getSpec().getReplicas();
    int ready = (int) podStatuses.stream().filter(BuilderPodStatus::getReady).count();
    // a ready pod that answered Info has activeBuilds, also when it drains (and is not ready)
    int unanswered =
        (int)
            java.util.stream.IntStream.range(0, pods.size())
                .filter(i -> pods.get(i).ready() && podStatuses.get(i).getActiveBuilds() == null)
                .count();
    boolean rolledOut = rolledOut(set, desired);

    BuilderStatus previous =
        builder.getStatus() == null ? new BuilderStatus() : builder.getStatus();
    BuilderStatus status = new BuilderStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(pods.size());
    status.setReadyReplicas(ready);
    status.setSelector(BuilderNames.selectorString(builder));
    status.setPods(new ArrayList<>(podStatuses));
    status.setNativePlatforms(
        BuilderPlatforms.nativePlatforms(readyPods, previous.getNativePlatforms()));
    status.setEmulatedPlatforms(
        BuilderPlatforms.emulatedPlatforms(
            builder.getSpec(), readyPods, previous.getEmulatedPlatforms()));
    var conditions = previous.getConditions();
    conditions =
        Conditions.set(
            conditions,
            BuilderReadiness.READY,
            ready == desired && (desired == 0 || ready > 0),
            ready == desired ? "AllPodsReady" : "PodsNotReady",
            ready + " of " + desired + " builder pods ready",
            generation);
    conditions =
        Conditions.set(
            conditions,
            "Progressing",
            !rolledOut,
            rolledOut ? "RolledOut" : "RollingOut",
            rolledOut
                ? "the builder pods run the current spec"
                : "the StatefulSet " + set.getMetadata().getName() + " is rolling out the spec",
            generation);
    conditions =
        Conditions.set(
            conditions,
            "Degraded",
            unanswered > 0,
            unanswered > 0 ? "PodsNotAnswering" : "AsExpected",
            unanswered > 0
                ? unanswered
                    + " ready builder pod(s) do not answer Control.Info on port "
                    + builder.getSpec().getPort()
                    + "; check their logs"
                : "every ready builder pod answers",
            generation);
    status.setConditions(conditions);
    return status;
  }

  /** The ready pods with their node's platform and the platforms their Info lists. */
  private List<BuilderPlatforms.ReadyPod> readyPods(
      List<BuilderStatusProbe.Probe> probes, List<Pod> owned, Context<Builder> context) {
    Map<String, String> nodeOf = new HashMap<>();
    owned.forEach(
        p -> {
          if (p.getSpec() != null && p.getSpec().getNodeName() != null) {
            nodeOf.put(p.getMetadata().getName(), p.getSpec().getNodeName());
          }
        });
    return probes.stream()
        .filter(p -> p.status().getReady())
        .map(
            p ->
                new BuilderPlatforms.ReadyPod(
                    nodes.of(context.getClient(), nodeOf.get(p.status().getName())).orElse(null),
                    p.platforms()))
        .toList();
  }

  private static boolean rolledOut(StatefulSet set, int desired) {
    var s = set.getStatus();
    if (s == null) {
      return desired == 0;
    }
    boolean observed =
        s.getObservedGeneration() != null
            && set.getMetadata().getGeneration() != null
            && s.getObservedGeneration() >= set.getMetadata().getGeneration();
    boolean updated =
        s.getUpdateRevision() == null || s.getUpdateRevision().equals(s.getCurrentRevision());
    return observed && updated && nullToZero(s.getReadyReplicas()) == desired;
  }

  private static int nullToZero(Integer i) {
    return i == null ? 0 : i;
  }

  private static List<Condition> conditions(Builder builder) {
    return builder.getStatus() == null ? null : builder.getStatus().getConditions();
  }

  private static boolean sameStatus(BuilderStatus a, BuilderStatus b) {
    return a != null && Serialization.asJson(a).equals(Serialization.asJson(b));
  }
}
