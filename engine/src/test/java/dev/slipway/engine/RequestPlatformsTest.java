package dev.slipway.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.content.Platform;
import org.junit.jupiter.api.Test;

class RequestPlatformsTest {
  @Test
  void twoSpellingsOfOnePlatformAreBuiltOnceUnderTheCanonicalName() throws Exception {
    SolveRequest request =
        SolveRequest.newBuilder()
            .addPlatforms("linux/arm64")
            .addPlatforms("linux/x86_64")
            .addPlatforms("linux/arm64/v8")
            .addPlatforms("linux/aarch64")
            .addPlatforms("linux/amd64")
            .addPlatforms("linux/arm")
            .addPlatforms("linux/arm/v7")
            .build();

    assertThat(DockerfileLoader.platforms(request))
        .extracting(Platform::toString)
        .containsExactly("linux/arm64", "linux/amd64", "linux/arm/v7");
  }
}
