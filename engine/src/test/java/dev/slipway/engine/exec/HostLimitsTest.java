package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostLimitsTest {

  @Test
  void aCgroupLimitCapsMemoryAndMaxMeansNone() {
    assertThat(HostLimits.cgroupCap("536870912\n")).isEqualTo(536_870_912L);
    assertThat(HostLimits.cgroupCap("max\n")).isEqualTo(Long.MAX_VALUE);
    assertThat(HostLimits.cgroupCap("")).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void theMachinesMemoryComesFromMeminfo() {
    HostLimits limits =
        HostLimits.parse(
            List.of("Max open files            1024                 4096                 files"),
            List.of("MemTotal:       2048 kB"));
    assertThat(limits.memoryBytes()).isEqualTo(2048L * 1024);
    assertThat(limits.hardLimit("nofile")).isEqualTo(4096);
  }

  @Test
  void thisProcessIsBoundedByNoMoreThanTheMachine() {
    HostLimits limits = HostLimits.current();
    assertThat(limits.memoryBytes()).isPositive().isLessThan(Long.MAX_VALUE);
  }
}
