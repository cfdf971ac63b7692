package dev.slipway.operator.build;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.api.resource.BuildRequestStatus;
import dev.slipway.operator.kube.Conditions;
import dev.slipway.operator.kube.KubeEvents;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.Optional;

/**
 * The one place a BuildRequest's phase change becomes a Kubernetes Event. Whether it is news is
 * read from the status stored before the change, not from memory: a reconcile that repeats, or an
 * operator that restarts and finds the phase it wrote, records nothing again.
 */
final class PhaseEvents {

  private PhaseEvents() {}

  /** Records the change's Event if it moved the request on from {@code stored}. */
  static void record(
      KubernetesClient client,
      BuildRequest request,
      BuildRequestStatus stored,
      PhaseChange change) {
    if (news(stored, request.getStatus())) {
      KubeEvents.record(client, request, change.warning(), change.reason(), change.eventMessage());
    }
  }

  /**
   * Whether {@code after} is another phase, attempt or outcome than {@code before}: the phase
   * changed, a new build started (a split request's own Solve starts while it is Running already),
   * the Succeeded condition changed its status or reason, or a problem (Succeeded False) changed
   * its message, as a request that is invalid for another reason now. Progress within a phase
   * (queue position, steps, a split build's parts) is not news.
   */
  static boolean news(BuildRequestStatus before, BuildRequestStatus after) {
    if (before == null
        || before.getPhase() != after.getPhase()
        || after.getBuildId() != null && !after.getBuildId().equals(before.getBuildId())) {
      return true;
    }
    Optional<Condition> was = Conditions.find(before.getConditions(), BuildStatuses.SUCCEEDED);
    Optional<Condition> is = Conditions.find(after.getConditions(), BuildStatuses.SUCCEEDED);
    if (was.isEmpty() || is.isEmpty()) {
      // written by an operator before Succeeded existed: the phase is all it says
      return false;
    }
    return !Objects.equals(was.get().getStatus(), is.get().getStatus())
        || !Objects.equals(was.get().getReason(), is.get().getReason())
        || Conditions.FALSE.equals(is.get().getStatus())
            && !Objects.equals(was.get().getMessage(), is.get().getMessage());
  }
}
