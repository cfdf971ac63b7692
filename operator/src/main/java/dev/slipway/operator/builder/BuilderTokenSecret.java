package dev.slipway.operator.builder;

import dev.slipway.api.resource.Builder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The token that builder pods demand from their callers. Created once with a random value and never
 * updated (it is a Creator only): rotating it would cut the operator off from running builds.
 * Deleting the Secret makes the operator create a new one; the pods pick it up on restart.
 */
public final class BuilderTokenSecret extends KubernetesDependentResource<Secret, Builder>
    implements Creator<Secret, Builder>, GarbageCollected<Builder> {

  private static final SecureRandom RANDOM = new SecureRandom();

  public BuilderTokenSecret() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(Builder builder, Context<Builder> context) {
    byte[] token = new byte[32];
    RANDOM.nextBytes(token);
    String value = HexFormat.of().formatHex(token);
    return new SecretBuilder()
        .withNewMetadata()
        .withName(BuilderNames.tokenSecret(builder.getMetadata().getName()))
        .withNamespace(builder.getMetadata().getNamespace())
        .withLabels(BuilderNames.labels(builder))
        .endMetadata()
        .withType("Opaque")
        .addToData(BuilderNames.TOKEN_KEY, Base64.getEncoder().encodeToString(value.getBytes()))
        .build();
  }

  @Override
  public void delete(Builder builder, Context<Builder> context) {
    // Owner references delete the Secret with the Builder.
  }
}
