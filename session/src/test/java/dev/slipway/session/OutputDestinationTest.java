package dev.slipway.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutputDestinationTest {

  @Test
  void eachKindOfDestParsesAndSpellsItselfTheSameWay() {
    for (String dest : new String[] {"-", "client:/home/me/out.tar", "/var/out.tar", "out"}) {
      assertThat(OutputDestination.parse(dest).dest()).isEqualTo(dest);
    }
    assertThat(OutputDestination.parse("-")).isEqualTo(new OutputDestination.Stdout());
    assertThat(OutputDestination.parse("client:out/dir"))
        .isEqualTo(new OutputDestination.ClientPath("out/dir"));
    assertThat(OutputDestination.parse("out/dir"))
        .isEqualTo(new OutputDestination.EnginePath("out/dir"));
  }

  @Test
  void onlyAPathOnTheEnginesMachineStaysOffTheSession() {
    assertThat(OutputDestination.parse("-").viaSession()).isTrue();
    assertThat(OutputDestination.parse("client:x").viaSession()).isTrue();
    assertThat(OutputDestination.parse("x").viaSession()).isFalse();
  }

  @Test
  void aRemoteBuildSendsLocalPathsToTheClient() {
    assertThat(OutputDestination.forRemote("out.tar")).isEqualTo("client:out.tar");
    assertThat(OutputDestination.forRemote("-")).isEqualTo("-");
    assertThat(OutputDestination.forRemote("")).isEmpty();
    assertThat(OutputDestination.forRemote("client:out.tar")).isEqualTo("client:out.tar");
  }
}
