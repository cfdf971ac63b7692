package dev.slipway.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.SolveRequest;
import org.junit.jupiter.api.Test;

class PlacementHintsTest {

  @Test
  void aBaseImageNameTheCrdWouldRefuseIsDroppedNotSent() {
    String huge = "127.0.0.1:5000/" + "a".repeat(300) + ":latest";
    SolveRequest request =
        SolveRequest.newBuilder()
            .setDockerfile(
                DockerfileSource.newBuilder()
                    .setInline(
                        "FROM "
                            + huge
                            + " AS big\nFROM 127.0.0.1:5000/busybox:latest\n"
                            + "COPY --from=big / /\n"))
            .build();

    assertThat(PlacementHints.of(null, request).baseImages())
        .containsExactly("127.0.0.1:5000/busybox:latest");
  }
}
