package dev.slipway.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.LogChunk;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which step each block of plain output belongs to, when steps' output interleaves. */
class PlainProgressPrinterTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PlainProgressPrinter printer =
      new PlainProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  @Test
  void parallelStepsRepeatTheirHeaderWhenOutputReturnsToThem() {
    printer.accept(vertex("a", "[a 1/1] RUN make", VertexState.VERTEX_STATE_STARTED, 0));
    printer.accept(log("a", "a-one\n", 1));
    printer.accept(vertex("b", "[b 1/1] RUN test", VertexState.VERTEX_STATE_STARTED, 1));
    printer.accept(log("b", "b-one\n", 2));
    printer.accept(log("b", "b-two\n", 2));
    printer.accept(log("a", "a-two\n", 3));
    printer.accept(vertex("a", "[a 1/1] RUN make", VertexState.VERTEX_STATE_DONE, 4));
    printer.accept(vertex("b", "[b 1/1] RUN test", VertexState.VERTEX_STATE_DONE, 5));

    assertThat(output())
        .isEqualTo(
            """

            #1 [a 1/1] RUN make
            #1 1.000 a-one
            #1 ...

            #2 [b 1/1] RUN test
            #2 1.000 b-one
            #2 1.000 b-two
            #2 ...

            #1 [a 1/1] RUN make
            #1 3.000 a-two
            #1 DONE 4.0s

            #2 [b 1/1] RUN test
            #2 DONE 4.0s
            """);
  }

  @Test
  void outputWithoutNewlinesIsPrintedInPiecesRatherThanHeldBack() {
    printer.accept(vertex("a", "[1/1] RUN noise", VertexState.VERTEX_STATE_STARTED, 0));
    String chunk = "x".repeat(1000);
    for (int i = 0; i < 100; i++) {
      printer.accept(log("a", chunk, 1));
    }

    assertThat(output().lines().filter(l -> l.startsWith("#1 1.000 x")).toList())
        .as("100,000 bytes without a newline: printed as they come, in bounded lines")
        .hasSize(100_000 / VertexProgress.MAX_LINE)
        .allMatch(l -> l.length() == "#1 1.000 ".length() + VertexProgress.MAX_LINE);
  }

  @Test
  void aStepRunAgainByARetriedAttemptGetsItsHeaderAgain() {
    printer.accept(vertex("a", "[1/2] RUN fetch", VertexState.VERTEX_STATE_CACHED, 0));
    printer.accept(vertex("b", "[2/2] RUN make", VertexState.VERTEX_STATE_STARTED, 1));
    printer.accept(log("b", "compiling\n", 2));
    printer.accept(vertex("b", "[2/2] RUN make", VertexState.VERTEX_STATE_CANCELLED, 3));
    // the retried attempt replays the cached step and runs the other one again
    printer.accept(vertex("a", "[1/2] RUN fetch", VertexState.VERTEX_STATE_CACHED, 10));
    printer.accept(vertex("b", "[2/2] RUN make", VertexState.VERTEX_STATE_STARTED, 11));
    printer.accept(log("b", "compiling again\n", 13));
    printer.accept(vertex("b", "[2/2] RUN make", VertexState.VERTEX_STATE_DONE, 14));

    assertThat(output())
        .isEqualTo(
            """

            #1 [1/2] RUN fetch
            #1 CACHED

            #2 [2/2] RUN make
            #2 1.000 compiling
            #2 CANCELED

            #1 [1/2] RUN fetch
            #1 CACHED

            #2 [2/2] RUN make
            #2 2.000 compiling again
            #2 DONE 3.0s
            """);
  }

  @Test
  void consecutiveLinesOfOneStepShareOneHeader() {
    printer.accept(vertex("a", "[1/1] RUN make", VertexState.VERTEX_STATE_STARTED, 0));
    printer.accept(log("a", "one\ntw", 1));
    printer.accept(log("a", "o\n", 2));
    printer.accept(vertex("a", "[1/1] RUN make", VertexState.VERTEX_STATE_DONE, 2));

    assertThat(output())
        .isEqualTo(
            """

            #1 [1/1] RUN make
            #1 1.000 one
            #1 2.000 two
            #1 DONE 2.0s
            """);
  }

  @Test
  void transfersPrintTheirBytesAsBuildKitDoesEveryFivePercentAndDoneAtTheEnd() {
    String layer = "pushing layer sha256:" + "ab".repeat(32);
    printer.accept(vertex("x", "pushing reg/app:1", VertexState.VERTEX_STATE_STARTED, 0));
    long total = 120_300_000L;
    printer.accept(bytes("x", layer, 0, total, false, 0, 0)); // nothing to say yet
    printer.accept(bytes("x", layer, 3_000_000L, total, false, 0, 100));
    printer.accept(bytes("x", layer, 8_000_000L, total, false, 0, 200)); // under 5% more: no line
    printer.accept(bytes("x", layer, 45_210_000L, total, false, 0, 1200));
    printer.accept(bytes("x", layer, 46_000_000L, total, false, 0, 7000)); // 5 s later
    printer.accept(bytes("x", layer, total, total, true, 0, 7500));
    printer.accept(bytes("x", "transferring context:", 100_020_000L, 0, true, 0, 500));
    printer.accept(vertex("x", "pushing reg/app:1", VertexState.VERTEX_STATE_DONE, 8));

    assertThat(output())
        .isEqualTo(
            """

            #1 pushing reg/app:1
            #1 %1$s 3.00MB / 120.30MB 0.1s
            #1 %1$s 45.21MB / 120.30MB 1.2s
            #1 %1$s 46.00MB / 120.30MB 7.0s
            #1 %1$s 120.30MB / 120.30MB 7.5s done
            #1 transferring context: 100.02MB 0.5s done
            #1 DONE 8.0s
            """
                .formatted(layer));
  }

  private static SolveEvent bytes(
      String vertex, String name, long current, long total, boolean done, long startMs, long atMs) {
    return SolveEvent.newBuilder()
        .setTime(atMillis(atMs))
        .setBytes(
            ByteProgress.newBuilder()
                .setVertexId(vertex)
                .setId(name)
                .setName(name)
                .setCurrent(current)
                .setTotal(total)
                .setCompleted(done)
                .setKind(TransferKind.TRANSFER_KIND_PUSH)
                .setStarted(atMillis(startMs)))
        .build();
  }

  private static Timestamp atMillis(long ms) {
    return Timestamp.newBuilder()
        .setSeconds(1_000 + ms / 1000)
        .setNanos((int) (ms % 1000) * 1_000_000)
        .build();
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static SolveEvent vertex(String id, String name, VertexState state, long second) {
    VertexEvent.Builder v = VertexEvent.newBuilder().setVertexId(id).setName(name).setState(state);
    if (state == VertexState.VERTEX_STATE_STARTED) {
      v.setStarted(at(second));
    }
    return SolveEvent.newBuilder().setTime(at(second)).setVertex(v).build();
  }

  private static SolveEvent log(String id, String data, long second) {
    return SolveEvent.newBuilder()
        .setTime(at(second))
        .setLog(LogChunk.newBuilder().setVertexId(id).setData(ByteString.copyFromUtf8(data)))
        .build();
  }

  private static Timestamp at(long second) {
    return Timestamp.newBuilder().setSeconds(1_000 + second).build();
  }
}
