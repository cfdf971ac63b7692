package dev.slipway.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Standard Kubernetes conditions: the transition time only moves when the status flips. */
public final class Conditions {

  private Conditions() {}

  /** Sets a condition in place, keeping lastTransitionTime when its status did not change. */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration) {
    List<Condition> result = new ArrayList<>(conditions == null ? List.of() : conditions);
    String value = status ? "True" : "False";
    Condition previous =
        result.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    String transition =
        previous != null && Objects.equals(previous.getStatus(), value)
            ? previous.getLastTransitionTime()
            : Instant.now().toString();
    result.removeIf(c -> type.equals(c.getType()));
    result.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(observedGeneration)
            .withLastTransitionTime(transition)
            .build());
    result.sort((a, b) -> a.getType().compareTo(b.getType()));
    return result;
  }
}
