package dev.slipway.operator.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.Builder;
import dev.slipway.api.resource.BuilderAutoscaling;
import dev.slipway.api.resource.BuilderSpec;
import dev.slipway.operator.build.BuilderQueues;
import dev.slipway.operator.builder.ReplicaAutoscaler;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueAutoscalerTest {

  @Test
  void beforeTheRequestsAreListedThePoolKeepsItsSize() {
    BuilderAutoscaling autoscaling = new BuilderAutoscaling();
    autoscaling.setMinReplicas(0);
    autoscaling.setMaxReplicas(4);
    Builder builder = new Builder();
    builder.setMetadata(new ObjectMetaBuilder().withName("pool").withNamespace("ns").build());
    BuilderSpec spec = new BuilderSpec();
    spec.setReplicas(3);
    spec.setAutoscaling(autoscaling);
    builder.setSpec(spec);

    // No BuildRequest informer has listed anything: that is not "no demand".
    ReplicaAutoscaler.Outcome outcome =
        new QueueAutoscaler(new BuilderQueues(), Clock.systemUTC()).scale(builder, List.of(), null);

    assertThat(outcome.desiredReplicas()).isEqualTo(3);
    assertThat(outcome.recheck()).isNotNull();
  }
}
