package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.history.HistoryLimits;
import dev.slipway.engine.history.HistoryRecorder;
import dev.slipway.engine.history.HistoryStore;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HistoryLogs sends a kept log only as fast as its client reads, and few at once per caller. */
class HistoryReplaysTest {
  @TempDir Path dir;
  private HistoryStore store;
  private HistoryReplays replays;

  @BeforeEach
  void recordABuildWithALongLog() throws IOException {
    store = HistoryStore.open(dir.resolve("history"), HistoryLimits.defaults());
    HistoryRecorder r =
        store.recorder(SolveRequest.newBuilder().setBuildId("long").build(), "alice", "app");
    for (int i = 0; i < 100; i++) {
      r.accept(
          SolveEvent.newBuilder()
              .setLog(LogChunk.newBuilder().setData(ByteString.copyFromUtf8("line " + i + "\n")))
              .build());
    }
    r.finish(BuildState.BUILD_STATE_SUCCEEDED).orElseThrow();
    replays = new HistoryReplays(store);
  }

  @Test
  void aClientThatDoesNotReadIsSentNothingMoreUntilItIsReadyAgain() {
    Client client = new Client(3);

    replays.start("alice", "long", client, notKept());

    assertThat(client.received).as("only what its window took").hasSize(3);
    assertThat(client.completed).isFalse();
    assertThat(replays.running("alice")).isOne();

    client.window = 10;
    client.onReady.run();
    assertThat(client.received).hasSize(13);

    client.window = Integer.MAX_VALUE;
    client.onReady.run();
    assertThat(client.received).hasSize(100);
    assertThat(client.received.getLast().getLog().getData().toStringUtf8()).isEqualTo("line 99\n");
    assertThat(client.completed).isTrue();
    assertThat(replays.running("alice")).as("its file is closed, its place free").isZero();
  }

  @Test
  void aCallerHasFewReplaysOpenAtOnceAndACancelledOneFreesItsPlace() {
    List<Client> stalled = new ArrayList<>();
    for (int i = 0; i < HistoryReplays.MAX_PER_CALLER; i++) {
      Client c = new Client(0);
      replays.start("alice", "long", c, notKept());
      stalled.add(c);
    }
    Client oneTooMany = new Client(Integer.MAX_VALUE);
    replays.start("alice", "long", oneTooMany, notKept());
    assertThat(oneTooMany.error).isNotNull();
    assertThat(Status.fromThrowable(oneTooMany.error).getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(oneTooMany.received).isEmpty();

    Client bobs = new Client(Integer.MAX_VALUE);
    replays.start("bob", "long", bobs, notKept());
    assertThat(bobs.completed).as("another caller is not held up by alice's").isTrue();

    stalled.getFirst().onCancel.run();
    Client next = new Client(Integer.MAX_VALUE);
    replays.start("alice", "long", next, notKept());
    assertThat(next.received).hasSize(100);
    assertThat(next.completed).isTrue();
  }

  @Test
  void aBuildWithoutAKeptLogIsNotFound() {
    Client client = new Client(Integer.MAX_VALUE);
    replays.start("alice", "other", client, notKept());
    assertThat(Status.fromThrowable(client.error).getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(replays.running("alice")).isZero();
  }

  private static StatusException notKept() {
    return Status.NOT_FOUND.withDescription("not kept").asException();
  }

  /** A client whose transport takes {@code window} more messages before it is no longer ready. */
  private static final class Client extends ServerCallStreamObserver<SolveEvent> {
    final List<SolveEvent> received = new ArrayList<>();
    int window;
    boolean completed;
    Throwable error;
    Runnable onReady = () -> {};
    Runnable onCancel = () -> {};

    Client(int window) {
      this.window = window;
    }

    @Override
    public boolean isReady() {
      return window > 0;
    }

    @Override
    public void onNext(SolveEvent value) {
      if (window <= 0) {
        throw new AssertionError("sent while not ready");
      }
      window--;
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
      onReady = handler;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
      onCancel = handler;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public void setCompression(String compression) {}

    @Override
    public void disableAutoInboundFlowControl() {}

    @Override
    public void request(int count) {}

    @Override
    public void setMessageCompression(boolean enable) {}
  }
}
