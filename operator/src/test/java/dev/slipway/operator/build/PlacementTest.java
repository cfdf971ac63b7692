package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.operator.control.BuilderPod;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {

  private static PodLoad pod(String name, int active, String... recent) {
    return new PodLoad(
        new BuilderPod(name, name + ":7777", name, true, null), 2, active, List.of(recent));
  }

  @Test
  void warmCacheWinsOverLoad() {
    var chosen = Placement.choose(List.of(pod("a", 0), pod("b", 1, "other", "key")), "key");
    assertThat(chosen).map(p -> p.pod().name()).contains("b");
  }

  @Test
  void theMostRecentlyWarmPodWins() {
    var chosen = Placement.choose(List.of(pod("a", 0, "x", "key"), pod("b", 0, "key")), "key");
    assertThat(chosen).map(p -> p.pod().name()).contains("b");
  }

  @Test
  void aFullWarmPodLosesToTheLeastLoaded() {
    var chosen = Placement.choose(List.of(pod("a", 2, "key"), pod("b", 1), pod("c", 0)), "key");
    assertThat(chosen).map(p -> p.pod().name()).contains("c");
  }

  @Test
  void nothingWhenAllAreFull() {
    List<PodLoad> full = List.of(pod("a", 2), pod("b", 3));
    assertThat(Placement.choose(full, "key")).isEmpty();
    assertThat(Placement.freeSlots(full)).isZero();
  }
}
