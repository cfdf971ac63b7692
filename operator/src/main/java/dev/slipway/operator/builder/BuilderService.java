package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.SlipwayResources;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/**
 * The headless Service that gives each builder pod a stable DNS name. Not-ready pods are published
 * too: the operator asks them for Info while they start, and the CLI port-forwards by pod anyway.
 */
public final class BuilderService extends CRUDKubernetesDependentResource<Service, Builder> {

  public BuilderService() {
    super(Service.class);
  }

  @Override
  protected Service desired(Builder builder, Context<Builder> context) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(BuilderNames.service(builder.getMetadata().getName()))
        .withNamespace(builder.getMetadata().getNamespace())
        .withLabels(BuilderNames.labels(builder))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(BuilderNames.selector(builder))
        .addNewPort()
        .withName(SlipwayResources.BUILDER_PORT_NAME)
        .withPort(builder.getSpec().getPort())
        .withNewTargetPort(SlipwayResources.BUILDER_PORT_NAME)
        .endPort()
        .endSpec()
        .build();
  }
}
