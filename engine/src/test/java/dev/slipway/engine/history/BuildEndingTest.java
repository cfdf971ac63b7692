package dev.slipway.engine.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.job.BuildFailedException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One mapping of how a build ended, for the builder process and --local alike. */
class BuildEndingTest {
  @TempDir Path dir;

  private static final BuildError STEP_FAILED =
      BuildError.newBuilder()
          .setKind(ErrorKind.ERROR_KIND_STEP_FAILED)
          .setMessage("process \"sleep 300\" was killed")
          .setVertexId("v2")
          .build();

  @Test
  void aCancelledBuildIsRecordedWithWhyItWasCancelledNotTheInterruptedStepsError()
      throws IOException {
    BuildCancellation cancellation = new BuildCancellation();
    cancellation.cancel("the client that started the build disconnected");
    HistoryStore store = HistoryStore.open(dir.resolve("history"), HistoryLimits.defaults());
    HistoryRecorder recorder =
        store.recorder(SolveRequest.newBuilder().setBuildId("c1").build(), "alice", "app");

    BuildEnding ending = BuildEnding.failed(new BuildFailedException(STEP_FAILED), cancellation);
    SolveEvent end = ending.event("c1");
    ending.record(recorder, end);

    assertThat(ending.state()).isEqualTo(BuildState.BUILD_STATE_CANCELLED);
    assertThat(end.getBuildId()).isEqualTo("c1");
    assertThat(end.hasTime()).isTrue();
    BuildError recorded = store.read("c1").orElseThrow().record().getError();
    assertThat(recorded.getKind()).isEqualTo(ErrorKind.ERROR_KIND_CANCELLED);
    assertThat(recorded.getMessage())
        .isEqualTo("build cancelled: the client that started the build disconnected");
    assertThat(recorded).isEqualTo(end.getError());
    assertThat(store.read("c1").orElseThrow().record().getState())
        .isEqualTo(BuildState.BUILD_STATE_CANCELLED);
  }

  @Test
  void aFailureWithoutCancellationKeepsItsErrorAndASuccessItsResult() {
    BuildEnding failed =
        BuildEnding.failed(new BuildFailedException(STEP_FAILED), new BuildCancellation());
    assertThat(failed.state()).isEqualTo(BuildState.BUILD_STATE_FAILED);
    assertThat(failed.event("f1").getError()).isEqualTo(STEP_FAILED);

    BuildResult result = BuildResult.newBuilder().setImageDigest("sha256:abc").build();
    BuildEnding ok = BuildEnding.succeeded(result);
    assertThat(ok.state()).isEqualTo(BuildState.BUILD_STATE_SUCCEEDED);
    assertThat(ok.event("s1").getResult()).isEqualTo(result);

    BuildEnding internal = BuildEnding.internal("the engine failed: boom");
    assertThat(internal.state()).isEqualTo(BuildState.BUILD_STATE_FAILED);
    assertThat(internal.event("i1").getError().getKind()).isEqualTo(ErrorKind.ERROR_KIND_INTERNAL);
  }
}
