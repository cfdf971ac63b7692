package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.PruneRequest;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The collector's timer thread: there only with bounds to keep, and gone once closed. */
class CacheCollectorTest {

  @Test
  void withoutBoundsThereIsNothingToRun() {
    try (CacheCollector collector = new CacheCollector(null, Optional.empty())) {
      assertThat(collectorThreads()).isZero();
    }
  }

  @Test
  void withBoundsATimerRunsUntilClosed() throws Exception {
    CacheCollector collector =
        new CacheCollector(null, Optional.of(PruneRequest.newBuilder().setKeepBytes(1).build()));
    assertThat(collectorThreads()).isEqualTo(1);

    collector.close();
    for (int i = 0; i < 100 && collectorThreads() > 0; i++) {
      Thread.sleep(20);
    }
    assertThat(collectorThreads()).isZero();
  }

  private static long collectorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("cache-gc") && t.isAlive())
        .count();
  }
}
