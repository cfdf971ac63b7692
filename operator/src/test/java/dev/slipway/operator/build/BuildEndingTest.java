package dev.slipway.operator.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.SourceLocation;
import dev.slipway.api.control.v1.SourceRange;
import dev.slipway.api.resource.BuildPhase;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildEndingTest {

  @Test
  void successAndARequestedCancelAreNormalEvents() {
    assertThat(BuildEnding.succeeded("sha256:ab"))
        .isEqualTo(new BuildEnding(BuildPhase.SUCCEEDED, "built sha256:ab", "Succeeded"));
    assertThat(BuildEnding.succeeded("sha256:ab").warning()).isFalse();
    assertThat(BuildEnding.cancelled().phase()).isEqualTo(BuildPhase.CANCELLED);
    assertThat(BuildEnding.cancelled().message()).contains("spec.cancel");
    assertThat(BuildEnding.cancelled().warning()).isFalse();
    assertThat(BuildEnding.cancelledOnBuilder("stopping").message())
        .isEqualTo("cancelled on the builder: stopping");
    assertThat(BuildEnding.cancelledOnBuilder("stopping").warning()).isFalse();
  }

  @Test
  void failuresAreWarningsThatSayWhatToDo() {
    BuildEnding timedOut = BuildEnding.timedOut(60);
    assertThat(timedOut.phase()).isEqualTo(BuildPhase.FAILED);
    assertThat(timedOut.reason()).isEqualTo("TimedOut");
    assertThat(timedOut.message()).startsWith("timed out after 60s").contains("raise it");
    assertThat(timedOut.warning()).isTrue();

    BuildEnding lost = BuildEnding.podLost("b-0", "UNAVAILABLE", 3, 3, "b");
    assertThat(lost.phase()).isEqualTo(BuildPhase.FAILED);
    assertThat(lost.reason()).isEqualTo("PodLost");
    assertThat(lost.message())
        .contains("builder pod b-0 was lost mid-build (UNAVAILABLE)")
        .contains("attempt 3 of 3")
        .contains("kubectl describe builder b")
        .contains("raise spec.retries");
    assertThat(lost.warning()).isTrue();
  }

  @Test
  void aFailedStepNamesItsLineInTheDockerfile() {
    BuildError plain = BuildError.newBuilder().setMessage("exit code 2").build();
    assertThat(BuildEnding.failed(plain))
        .isEqualTo(new BuildEnding(BuildPhase.FAILED, "exit code 2", "Failed"));

    BuildError located =
        plain.toBuilder()
            .setLocation(
                SourceLocation.newBuilder()
                    .setFile("Dockerfile")
                    .addRanges(SourceRange.newBuilder().setStartLine(4)))
            .build();
    assertThat(BuildEnding.failed(located).message()).isEqualTo("exit code 2 (Dockerfile:4)");
  }

  @Test
  void everyEndingsReasonIsCamelCaseAndMakesSucceededFalseUnlessItSucceeded() {
    BuildError error = BuildError.newBuilder().setMessage("exit code 1").build();
    List<BuildEnding> endings =
        List.of(
            BuildEnding.succeeded("sha256:ab"),
            BuildEnding.failed(error),
            BuildEnding.outputsFailed("disk full"),
            BuildEnding.cancelled(),
            BuildEnding.cancelledOnBuilder("stopping"),
            BuildEnding.timedOut(5),
            BuildEnding.podLost("b-0", "gone", 1, 1, "b"),
            BuildEnding.platformFailed("linux/arm64", "app-linux-arm64", "exit code 1"));
    assertThat(endings)
        .extracting(BuildEnding::reason)
        .containsExactly(
            "Succeeded",
            "Failed",
            "OutputFailed",
            "Cancelled",
            "Cancelled",
            "TimedOut",
            "PodLost",
            "PlatformFailed")
        .allMatch(r -> r.matches("[A-Z][a-z]+(?:[A-Z][a-z]+)*"), "CamelCase");
    for (BuildEnding ending : endings) {
      PhaseChange change = ending.change();
      assertThat(change.phase()).isEqualTo(ending.phase());
      assertThat(change.reason()).isEqualTo(ending.reason());
      assertThat(change.eventMessage()).isEqualTo(ending.message());
      assertThat(change.warning()).isEqualTo(ending.warning());
    }
  }
}
