package dev.slipway.operator.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodePlatformsTest {

  @Test
  void aNodesPlatformIsItsOsAndArchLabelsWithSlipwaysOverrideAndVariant() {
    var amd = Map.of("kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64");
    assertThat(NodePlatforms.platform(amd)).contains("linux/amd64");
    var faked = new java.util.HashMap<>(amd);
    faked.put("slipway.dev/arch", "arm64");
    assertThat(NodePlatforms.platform(faked))
        .as("the kubelet resets kubernetes.io/arch; the override stays")
        .contains("linux/arm64");
    faked.put("slipway.dev/arch", "arm");
    faked.put("slipway.dev/arch-variant", "v6");
    assertThat(NodePlatforms.platform(faked)).contains("linux/arm/v6");
    assertThat(NodePlatforms.platform(Map.of("kubernetes.io/os", "linux")))
        .isEqualTo(Optional.empty());
    assertThat(NodePlatforms.platform(null)).isEmpty();
  }
}
