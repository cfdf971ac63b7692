package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuildRequest;
import dev.slipway.operator.control.BuilderChannels;
import dev.slipway.operator.control.BuilderClient;
import dev.slipway.operator.control.BuilderPod;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.grpc.Channel;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildSchedulerTest {

  /** Every pod's Info times out, as a busy pod's can. */
  private static final BuilderChannels SILENT =
      new BuilderChannels() {
        @Override
        public Channel channel(BuilderPod pod) {
          throw Status.DEADLINE_EXCEEDED.asRuntimeException();
        }

        @Override
        public void forget(BuilderPod pod) {}

        @Override
        public void close() {}
      };

  @Test
  void aReadyPodThatDidNotAnswerInfoKeepsTheRequestQueuedNotWaitingForAPod() {
    BuildRuns runs = new BuildRuns();
    BuildScheduler scheduler =
        new BuildScheduler(new PodLoads(new BuilderClient(SILENT), runs), runs);
    BuildRequest request = new BuildRequest();
    request.setMetadata(
        new ObjectMetaBuilder()
            .withName("r")
            .withNamespace("ns")
            .withUid("uid-r")
            .withCreationTimestamp("2026-01-01T00:00:00Z")
            .build());

    var decision =
        scheduler.decide(
            "ns/b",
            request,
            List.of(request),
            List.of(
                new BuilderPod("b-0", "b-0:7777", "b-0", true, false, null),
                new BuilderPod("b-1", "b-1:7777", "b-1", false, false, null)),
            2,
            new BuildCacheKeys("", null, null),
            load -> {
              throw new AssertionError("no pod answered, none may be chosen");
            });

    assertThat(decision).isEqualTo(new BuildScheduler.Queued(1, 1));
  }
}
