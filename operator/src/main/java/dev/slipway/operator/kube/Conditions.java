package dev.slipway.operator.kube;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Standard Kubernetes conditions: the transition time only moves when the status flips. */
public final class Conditions {

  private Conditions() {}

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  /** Sets a condition in place, keeping lastTransitionTime when its status did not change. */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long observedGeneration) {
    return set(conditions, type, status ? TRUE : FALSE, reason, message, observedGeneration);
  }

  /**
   * Sets a condition whose status may also be {@link #UNKNOWN} (not decided yet), keeping
   * lastTransitionTime when its status did not change.
   */
  public static List<Condition> set(
      List<Condition> conditions,
      String type,
      String value,
      String reason,
      String message,
      Long observedGeneration) {
    if (!TRUE.equals(value) && !FALSE.equals(value) && !UNKNOWN.equals(value)) {
      throw new IllegalArgumentException(
          "a condition's status is True, False or Unknown: " + value);
    }
    List<Condition> result = new ArrayList<>(conditions == null ? List.of() : conditions);
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

  /** The condition of {@code type}, if the list has one. */
  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
