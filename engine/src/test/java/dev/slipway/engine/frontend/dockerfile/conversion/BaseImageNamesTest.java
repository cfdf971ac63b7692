package dev.slipway.engine.frontend.dockerfile.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.engine.content.Platform;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BaseImageNamesTest {

  private static final Platform AMD64 = Platform.parse("linux/amd64");

  @Test
  void fromLinesExpandedWithTheBuildArgsLessStagesScratchAndNamedContexts() {
    String dockerfile =
        """
        ARG BASE=busybox
        ARG TAG
        FROM ${BASE} AS tools
        FROM tools AS build
        FROM scratch
        FROM alpine:${TAG}
        FROM base
        FROM 127.0.0.1:5000/go:${TARGETARCH}
        FROM BusyBox-Not-A-Stage
        FROM busybox
        """;
    assertThat(BaseImageNames.of(dockerfile, Map.of("TAG", "3.20"), Set.of("base"), AMD64, 16))
        .containsExactly(
            "docker.io/library/busybox:latest",
            "docker.io/library/alpine:3.20",
            "127.0.0.1:5000/go:amd64");
  }

  @Test
  void theBuildArgWinsOverTheDefaultAndTheLimitHolds() {
    String dockerfile = "ARG BASE=busybox\nFROM ${BASE}\nFROM alpine\nFROM debian\n";
    assertThat(BaseImageNames.of(dockerfile, Map.of("BASE", "ubuntu:24.04"), Set.of(), AMD64, 2))
        .containsExactly("docker.io/library/ubuntu:24.04", "docker.io/library/alpine:latest");
  }

  @Test
  void aDockerfileThatDoesNotParseGivesNoHint() {
    assertThat(BaseImageNames.of("RUN echo no FROM\n", Map.of(), Set.of(), AMD64, 16)).isEmpty();
    assertThat(BaseImageNames.of("FROM \"unterminated\n", Map.of(), Set.of(), AMD64, 16)).isEmpty();
  }
}
