package dev.slipway.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real kill -9 of a process holding mounts, then recovery by the next snapshotter. */
class SnapshotRecoveryTest {

  @TempDir Path temp;

  @Test
  void nextOpenUnmountsAndDeletesWhatAKilledProcessLeftAndKeepsCommittedSnapshots()
      throws Exception {
    Path state = temp.resolve("state");
    Process crashing =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                SnapshotCrashDriver.class.getName(),
                state.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(crashing.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("READY");
    } finally {
      crashing.destroyForcibly(); // SIGKILL: nothing is released
      assertThat(crashing.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    List<Path> leftMounted = Mounts.mountPointsUnder(state);
    assertThat(leftMounted).hasSize(2);

    try (Snapshotter next = Snapshotters.open(state, Optional.empty())) {
      assertThat(Mounts.mountPointsUnder(state)).isEmpty();
      assertThat(state.resolve(StateDirectory.ACTIVE)).isEmptyDirectory();
      assertThat(state.resolve(StateDirectory.VIEWS)).isEmptyDirectory();
      assertThat(state.resolve(StateDirectory.TEMP)).isEmptyDirectory();
      assertThat(next.list()).extracting(CommittedSnapshot::key).containsExactly("base");
      try (SnapshotView view = next.view("base")) {
        assertThat(view.rootfs().resolve("kept")).hasContent("kept");
      }
      // The key of the killed step is free again: the step can simply be rerun.
      try (ActiveSnapshot rerun = next.prepare("running", "base")) {
        assertThat(rerun.rootfs().resolve("half-written")).doesNotExist();
      }
    }
  }

  @Test
  void layerDirectoryWithoutRecordIsAnUnfinishedCommitAndIsDeleted() throws IOException {
    Path state = temp.resolve("state");
    try (Snapshotter s = Snapshotters.open(state, Optional.of(SnapshotterMode.COPY))) {
      try (ActiveSnapshot a = s.prepare("base", null)) {
        s.commit(a);
      }
    }
    Path unfinished = java.nio.file.Files.createDirectories(state.resolve("s/99/usr"));
    SnapshotRecovery.Report report = SnapshotRecovery.recover(state);
    assertThat(report.deleted()).containsExactly(state.resolve("s/99"));
    assertThat(unfinished).doesNotExist();
    try (Snapshotter s = Snapshotters.open(state, Optional.empty())) {
      assertThat(s.list()).extracting(CommittedSnapshot::key).containsExactly("base");
    }
  }
}
