package dev.slipway.operator.builder;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BuilderWakeupsTest {

  private record Wake(ResourceID builder, long atNanos) {}

  @Test
  void burstsOfQueueChangesAreCoalescedPerBuilderAndInterval() throws Exception {
    List<Wake> wakes = new CopyOnWriteArrayList<>();
    BuilderWakeups wakeups = new BuilderWakeups();
    wakeups.setEventHandler(
        e -> wakes.add(new Wake(e.getRelatedCustomResourceID(), System.nanoTime())));
    wakeups.start();
    try {
      ResourceID pool = new ResourceID("pool", "ns");
      long start = System.nanoTime();
      burst(wakeups);
      wakeups.soon("ns", "other");
      Thread.sleep(300);
      assertThat(wakes(wakes, pool)).as("a quiet Builder's first change, at once").hasSize(1);
      assertThat(wakes(wakes, pool).get(0).atNanos() - start).isLessThan(300_000_000L);

      burst(wakeups);
      Thread.sleep(BuilderWakeups.INTERVAL.toMillis() + 500);
      List<Wake> seen = wakes(wakes, pool);
      assertThat(seen).as("the next burst: one more reconcile").hasSize(2);
      assertThat(seen.get(1).atNanos() - seen.get(0).atNanos())
          .as("not before the interval is over")
          .isGreaterThanOrEqualTo(BuilderWakeups.INTERVAL.toNanos() - 20_000_000L);
      assertThat(wakes(wakes, new ResourceID("other", "ns")))
          .as("each Builder is coalesced on its own")
          .hasSize(1);
    } finally {
      wakeups.stop();
    }
  }

  private static void burst(BuilderWakeups wakeups) {
    for (int i = 0; i < 500; i++) {
      wakeups.soon("ns", "pool");
    }
  }

  private static List<Wake> wakes(List<Wake> all, ResourceID builder) {
    return all.stream().filter(w -> w.builder().equals(builder)).toList();
  }
}
