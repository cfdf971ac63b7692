package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * Lets node drains evict one builder pod at a time, so that a drain never takes the whole pool down
 * at once. Running builds need no more than that: an eviction is a SIGTERM, and a builder that gets
 * one drains (takes no new build, finishes its running ones within spec.drainGracePeriod). A pod
 * that drains is not ready, so it counts as the one unavailable pod until its replacement is Ready,
 * and a drain of several nodes goes pod by pod. A budget over busy pods only would have to label
 * pods at every build's start and end (two more API writes per build) and would block node drains
 * for as long as builds keep arriving.
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
