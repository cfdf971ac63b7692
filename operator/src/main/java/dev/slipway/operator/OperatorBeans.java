package dev.slipway.operator;

import dev.slipway.operator.build.BuildRuns;
import dev.slipway.operator.build.BuilderQueues;
import dev.slipway.operator.builder.BuilderDefaults;
import dev.slipway.operator.builder.BuilderPods;
import dev.slipway.operator.builder.BuilderWakeups;
import dev.slipway.operator.builder.ReplicaAutoscaler;
import dev.slipway.operator.control.BuilderChannels;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.NettyBuilderChannels;
import dev.slipway.operator.scaling.QueueAutoscaler;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Wires the plain classes of the operator into Quarkus; the reconcilers take them by constructor.
 */
public class OperatorBeans {

  @Produces
  @Singleton
  BuilderDefaults builderDefaults(@ConfigProperty(name = "slipway.builder.image") String image) {
    return new BuilderDefaults(image);
  }

  @Produces
  @Singleton
  @DefaultBean
  BuilderChannels builderChannels() {
    return new NettyBuilderChannels();
  }

  void closeChannels(@Disposes BuilderChannels channels) {
    channels.close();
  }

  @Produces
  @Singleton
  BuilderClient builderClient(BuilderChannels channels) {
    return new BuilderClient(channels);
  }

  /**
   * One operator replica reconciles at a time (the others wait on this Lease): builds are followed
   * in memory, so two leaders would start them twice.
   */
  @Produces
  @Singleton
  LeaderElectionConfiguration leaderElection(
      @ConfigProperty(name = "slipway.leader-election.lease-name") String leaseName) {
    return new LeaderElectionConfiguration(leaseName);
  }

  @Produces
  @Singleton
  BuilderPods builderPods() {
    return new BuilderPods();
  }

  @Produces
  @Singleton
  BuildRuns buildRuns() {
    return new BuildRuns();
  }

  /** The queues the BuildRequest reconciler indexes, read by the autoscaler. */
  @Produces
  @Singleton
  BuilderQueues builderQueues() {
    return new BuilderQueues();
  }

  /** Queue changes wake the Builder reconciler (the autoscaler) within a second. */
  @Produces
  @Singleton
  BuilderWakeups builderWakeups() {
    return new BuilderWakeups();
  }

  @Produces
  @Singleton
  ReplicaAutoscaler replicaAutoscaler(BuilderQueues queues) {
    return new QueueAutoscaler(queues, Clock.systemUTC());
  }
}
