package dev.slipway.operator.builder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.resource.BuilderSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuilderPlatformsTest {

  private static final List<String> BOTH = List.of("linux/amd64", "linux/arm64");

  private static BuilderPlatforms.ReadyPod pod(String node) {
    return new BuilderPlatforms.ReadyPod(node, BOTH);
  }

  @Test
  void nativeIsWhatTheNodesOfEveryReadyPodShare() {
    assertThat(
            BuilderPlatforms.nativePlatforms(List.of(pod("linux/amd64"), pod("linux/amd64")), null))
        .containsExactly("linux/amd64");
    assertThat(
            BuilderPlatforms.nativePlatforms(
                List.of(pod("linux/amd64"), pod("linux/arm64")), List.of("linux/amd64")))
        .as("a build placed on either pod must run natively there")
        .isNull();
    assertThat(BuilderPlatforms.nativePlatforms(List.of(pod("linux/amd64"), pod(null)), null))
        .isNull();
  }

  @Test
  void withoutAReadyPodTheBuilderKeepsWhatItLastReported() {
    BuilderSpec spec = new BuilderSpec();
    spec.setEmulatedPlatforms(List.of("linux/arm64"));
    assertThat(BuilderPlatforms.nativePlatforms(List.of(), List.of("linux/amd64")))
        .containsExactly("linux/amd64");
    assertThat(BuilderPlatforms.emulatedPlatforms(spec, List.of(), List.of("linux/arm64")))
        .containsExactly("linux/arm64");
    assertThat(BuilderPlatforms.emulatedPlatforms(spec, List.of(), List.of("linux/s390x")))
        .as("only what the spec still asks for")
        .isNull();
    assertThat(BuilderPlatforms.emulatedPlatforms(spec, List.of(pod("linux/amd64")), null))
        .containsExactly("linux/arm64");
  }
}
