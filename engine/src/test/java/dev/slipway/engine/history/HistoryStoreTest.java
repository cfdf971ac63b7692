package dev.slipway.engine.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildAccepted;
import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildWarning;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryStoreTest {
  @TempDir Path dir;

  private HistoryStore open(HistoryLimits limits) throws IOException {
    return HistoryStore.open(dir.resolve("history"), limits);
  }

  private static SolveEvent vertex(String id, String name, VertexState state) {
    return SolveEvent.newBuilder()
        .setVertex(VertexEvent.newBuilder().setVertexId(id).setName(name).setState(state))
        .build();
  }

  private static SolveEvent log(String vertex, String text) {
    return SolveEvent.newBuilder()
        .setLog(LogChunk.newBuilder().setVertexId(vertex).setData(ByteString.copyFromUtf8(text)))
        .build();
  }

  private static StoredRecord succeed(HistoryStore store, String id) {
    HistoryRecorder r =
        store.recorder(
            SolveRequest.newBuilder().setBuildId(id).addPlatforms("linux/amd64").build(),
            "alice",
            "app");
    r.accept(
        SolveEvent.newBuilder().setAccepted(BuildAccepted.newBuilder().setStepsTotal(3)).build());
    r.accept(vertex("v1", "[1/3] FROM busybox", VertexState.VERTEX_STATE_STARTED));
    r.accept(vertex("v1", "[1/3] FROM busybox", VertexState.VERTEX_STATE_CACHED));
    r.accept(vertex("v2", "[2/3] RUN make", VertexState.VERTEX_STATE_STARTED));
    r.accept(log("v2", "compiling\n"));
    r.accept(vertex("v2", "[2/3] RUN make", VertexState.VERTEX_STATE_DONE));
    r.accept(SolveEvent.newBuilder().setWarning(BuildWarning.newBuilder().setRule("R")).build());
    r.accept(
        SolveEvent.newBuilder()
            .setResult(
                BuildResult.newBuilder().setImageDigest("sha256:abc").addRefs("reg/app@sha256:abc"))
            .build());
    return r.finish(BuildState.BUILD_STATE_SUCCEEDED).orElseThrow();
  }

  @Test
  void aFinishedBuildIsKeptWithItsStepsAndLogAndSurvivesARestart() throws IOException {
    StoredRecord written = succeed(open(HistoryLimits.defaults()), "b1");

    HistoryStore reopened = open(HistoryLimits.defaults());
    StoredRecord read = reopened.read("b1").orElseThrow();
    assertThat(read).isEqualTo(written);
    assertThat(read.owner()).isEqualTo("alice");
    var r = read.record();
    assertThat(r.getState()).isEqualTo(BuildState.BUILD_STATE_SUCCEEDED);
    assertThat(r.getName()).isEqualTo("app");
    assertThat(r.getPlatformsList()).containsExactly("linux/amd64");
    assertThat(r.getStepsTotal()).isEqualTo(3);
    assertThat(r.getStepsCached()).isEqualTo(1);
    assertThat(r.getStepsExecuted()).isEqualTo(1);
    assertThat(r.getStepsList())
        .extracting(s -> s.getName())
        .containsExactly("[1/3] FROM busybox", "[2/3] RUN make");
    assertThat(r.getImageDigest()).isEqualTo("sha256:abc");
    assertThat(r.getRefsList()).containsExactly("reg/app@sha256:abc");
    assertThat(r.getWarnings()).isEqualTo(1);
    assertThat(r.getLogBytes()).isPositive();
    assertThat(r.getLogClipped()).isFalse();
    assertThat(r.hasCompleted()).isTrue();

    List<SolveEvent> replayed = new ArrayList<>();
    assertThat(reopened.replay("b1", replayed::add)).isTrue();
    assertThat(replayed).hasSize(8);
    assertThat(replayed.get(4).getLog().getData().toStringUtf8()).isEqualTo("compiling\n");
    assertThat(replayed.getLast().hasResult()).isTrue();
  }

  @Test
  void anotherOwnersBuildUnderAKeptIdLeavesTheKeptRecordAndLog() throws IOException {
    HistoryStore store = open(HistoryLimits.defaults());
    StoredRecord alices = succeed(store, "b1");
    List<SolveEvent> alicesLog = new ArrayList<>();
    store.replay("b1", alicesLog::add);

    HistoryRecorder bobs =
        store.recorder(SolveRequest.newBuilder().setBuildId("b1").build(), "bob", "evil");
    bobs.accept(log("v9", "bob's output\n"));

    assertThat(bobs.finish(BuildState.BUILD_STATE_SUCCEEDED)).isEmpty();
    assertThat(store.read("b1")).contains(alices);
    List<SolveEvent> after = new ArrayList<>();
    store.replay("b1", after::add);
    assertThat(after).isEqualTo(alicesLog);
    assertThat(succeed(store, "b1").owner())
        .as("its owner may build under it again")
        .isEqualTo("alice");
  }

  @Test
  void aFailedBuildNamesTheFailingStep() throws IOException {
    HistoryStore store = open(HistoryLimits.defaults());
    HistoryRecorder r =
        store.recorder(SolveRequest.newBuilder().setBuildId("f1").build(), "a", "x");
    r.accept(vertex("v1", "[1/2] FROM busybox", VertexState.VERTEX_STATE_DONE));
    r.accept(vertex("v2", "[2/2] RUN false", VertexState.VERTEX_STATE_ERROR));
    r.accept(
        SolveEvent.newBuilder()
            .setError(
                BuildError.newBuilder()
                    .setKind(ErrorKind.ERROR_KIND_STEP_FAILED)
                    .setVertexId("v2")
                    .setExitCode(1)
                    .addLastLogLines("boom"))
            .build());
    var rec = r.finish(BuildState.BUILD_STATE_FAILED).orElseThrow().record();

    assertThat(rec.getFailingStep()).isEqualTo("[2/2] RUN false");
    assertThat(rec.getError().getLastLogLinesList()).containsExactly("boom");
    assertThat(rec.getStepsExecuted()).isEqualTo(2);
    assertThat(rec.getImageDigest()).isEmpty();
  }

  @Test
  void theLogBeyondTheCapIsDroppedWithOneNotice() throws IOException {
    HistoryStore store = open(new HistoryLimits(100, 10, 1 << 20));
    HistoryRecorder r =
        store.recorder(SolveRequest.newBuilder().setBuildId("big").build(), "a", "x");
    for (int i = 0; i < 50; i++) {
      r.accept(log("v", "0123456789"));
    }
    var rec = r.finish(BuildState.BUILD_STATE_SUCCEEDED).orElseThrow().record();

    assertThat(rec.getLogClipped()).isTrue();
    List<SolveEvent> replayed = new ArrayList<>();
    store.replay("big", replayed::add);
    assertThat(replayed).hasSize(11);
    assertThat(replayed.getLast().getLog().getData().toStringUtf8())
        .contains("keeps 0 KiB of a build's log in its history");
  }

  @Test
  void theOldestRecordsGoBeyondTheCountCap() throws IOException, InterruptedException {
    HistoryStore store = open(new HistoryLimits(1 << 20, 3, 1 << 30));
    for (int i = 1; i <= 5; i++) {
      succeed(store, "b" + i);
      Thread.sleep(5);
    }

    assertThat(store.list()).extracting(StoredRecord::buildId).containsExactly("b5", "b4", "b3");
    assertThat(Files.exists(dir.resolve("history/b1.events"))).isFalse();
  }

  @Test
  void theOldestRecordsGoBeyondTheByteCapButTheNewestStays()
      throws IOException, InterruptedException {
    HistoryStore store = open(new HistoryLimits(1 << 20, 100, 1));
    succeed(store, "b1");
    Thread.sleep(5);
    succeed(store, "b2");

    assertThat(store.list()).extracting(StoredRecord::buildId).containsExactly("b2");
  }

  @Test
  void aCorruptRecordIsSkippedAndTheRestListed() throws IOException {
    HistoryStore store = open(HistoryLimits.defaults());
    succeed(store, "good");
    Files.write(dir.resolve("history/bad.record"), new byte[] {(byte) 0xff, 0x01, 0x02});
    Files.write(dir.resolve("history/empty.record"), new byte[0]);

    assertThat(store.list()).extracting(StoredRecord::buildId).containsExactly("good");
    assertThat(store.read("bad")).isEmpty();
  }

  @Test
  void hostileIdsNameNothingAndReachNoOtherFile() throws IOException {
    HistoryStore store = open(HistoryLimits.defaults());
    Files.writeString(dir.resolve("secret.record"), "x");
    Files.writeString(dir.resolve("secret.events"), "x");
    for (String id :
        List.of("../secret", "..", ".", "", "a/b", ".hidden", "a\nb", "x".repeat(200))) {
      assertThat(HistoryIds.valid(id)).as(id).isFalse();
      assertThat(store.read(id)).isEmpty();
      assertThat(store.replay(id, e -> {})).isFalse();
      assertThat(store.remove(id)).isFalse();
      HistoryRecorder r =
          store.recorder(SolveRequest.newBuilder().setBuildId(id).build(), "a", "x");
      r.accept(log("v", "x"));
      assertThat(r.finish(BuildState.BUILD_STATE_SUCCEEDED)).isEmpty();
    }
    assertThat(Files.exists(dir.resolve("secret.record"))).isTrue();
    assertThat(Files.exists(dir.resolve("secret.events"))).isTrue();
    assertThat(HistoryIds.valid("3f2a9c1e-7b4d-4c7a-9f00-1a2b3c4d5e6f")).isTrue();
    assertThat(HistoryIds.valid("app-build-1.abcde")).isTrue();
    try (var files = Files.list(dir.resolve("history"))) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void removeDropsRecordAndLog() throws IOException {
    HistoryStore store = open(HistoryLimits.defaults());
    succeed(store, "b1");

    assertThat(store.remove("b1")).isTrue();
    assertThat(store.remove("b1")).isFalse();
    assertThat(store.list()).isEmpty();
    assertThat(store.replay("b1", e -> {})).isFalse();
  }

  @Test
  void urlCredentialsNeverNameABuild() {
    assertThat(BuildNames.withoutSecrets("https://user:tok@github.com/o/r.git?x=1"))
        .isEqualTo("https://github.com/o/r.git");
    assertThat(BuildNames.withoutSecrets("git@github.com:o/r.git")).isEqualTo("github.com:o/r.git");
  }
}
