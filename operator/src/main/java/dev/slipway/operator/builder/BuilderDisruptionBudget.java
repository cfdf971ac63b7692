package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * Lets node drains evict one builder pod at a time, so that a drain never takes the whole pool (and
 * every running build) down at once.
 */
public final class BuilderDisruptionBudget
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, Builder> {

  public BuilderDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(Builder builder, Context<Builder> context) {
    return new PodDisruptionBudgetBuilder()
        .withNewMetadata()
        .withName(BuilderNames.disruptionBudget(builder))
        .withNamespace(builder.getMetadata().getNamespace())
        .withLabels(BuilderNames.labels(builder))
        .endMetadata()
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(BuilderNames.selector(builder))
        .endSelector()
        .endSpec()
        .build();
  }
}
