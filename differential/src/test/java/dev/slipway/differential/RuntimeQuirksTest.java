package dev.slipway.differential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RuntimeQuirksTest {
  @Test
  void dropsOnlyTheGroupsOfIdOutput() {
    assertThat(strip("uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n"))
        .isEqualTo("uid=65534(nobody) gid=65534(nogroup)\n");
    assertThat(strip("uid=1234 gid=5678 groups=5678\n")).isEqualTo("uid=1234 gid=5678\n");
    assertThat(strip("x\nuid=0(root) gid=0(root) groups=0(root),10(wheel)\ny"))
        .isEqualTo("x\nuid=0(root) gid=0(root)\ny");
  }

  @Test
  void leavesOtherTextAlone() {
    assertThat(strip("groups=5678\n")).isEqualTo("groups=5678\n");
    assertThat(strip("user uid=1 gid=2 groups=3\n")).isEqualTo("user uid=1 gid=2 groups=3\n");
  }

  private static String strip(String s) {
    return RuntimeQuirks.withoutIdGroups(s.getBytes(StandardCharsets.UTF_8));
  }
}
