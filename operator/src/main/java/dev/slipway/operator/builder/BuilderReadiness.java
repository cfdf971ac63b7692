package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import dev.slipway.operator.kube.Conditions;
import dev.slipway.operator.kube.KubeEvents;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Records an Event when a Builder's {@code Ready} condition changes its status or reason, with the
 * condition's reason (AllPodsReady, PodsNotReady, InvalidSpec, CredentialsConflict). Compared with
 * the stored status, so a repeated reconcile or a restarted operator records nothing again.
 */
final class BuilderReadiness {

  static final String READY = "Ready";

  /** Ready is False because not every pod is ready: starting, resized, or lost. */
  private static final String PODS_NOT_READY = "PodsNotReady";

  private BuilderReadiness() {}

  static void announce(
      KubernetesClient client, Builder builder, List<Condition> stored, List<Condition> next) {
    Optional<Condition> was = Conditions.find(stored, READY);
    Optional<Condition> is = Conditions.find(next, READY);
    if (is.isEmpty()
        || was.isPresent()
            && Objects.equals(was.get().getStatus(), is.get().getStatus())
            && Objects.equals(was.get().getReason(), is.get().getReason())) {
      return;
    }
    KubeEvents.record(
        client,
        builder,
        warning(builder, was, is.get()),
        is.get().getReason(),
        is.get().getMessage());
  }

  /**
   * A Warning when the Builder needs a look: its spec or credentials are wrong, or ready pods
   * stopped being ready though nobody changed the spec. Pods that are still starting (a new
   * Builder, a scale-up, a rollout) are Normal.
   */
  private static boolean warning(Builder builder, Optional<Condition> was, Condition is) {
    if (Conditions.TRUE.equals(is.getStatus())) {
      return false;
    }
    if (!PODS_NOT_READY.equals(is.getReason())) {
      return true;
    }
    return was.isPresent()
        && Conditions.TRUE.equals(was.get().getStatus())
        && Objects.equals(was.get().getObservedGeneration(), builder.getMetadata().getGeneration());
  }
}
