package dev.slipway.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.TransferKind;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live view shows a running step's transfers under it, in flight first, with their counts. */
class TtyProgressPrinterTest {

  @Test
  void transfersInFlightShowCurrentOfTotalAndTimeUnderTheirStep() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TtyProgressPrinter printer =
        new TtyProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), 120);
    Instant started = Instant.now().minusMillis(1500);
    printer.accept(
        SolveEvent.newBuilder()
            .setVertex(
                VertexEvent.newBuilder()
                    .setVertexId("push")
                    .setName("pushing reg/app:1")
                    .setState(VertexState.VERTEX_STATE_STARTED)
                    .setStarted(ts(started)))
            .build());
    printer.accept(transfer("pushing config sha256:cc", 1_500, 1_500, true, started));
    printer.accept(transfer("pushing layer sha256:aa", 45_210_000, 120_300_000, false, started));
    printer.finish();

    List<String> frame = lastFrame(bytes.toString(StandardCharsets.UTF_8));
    int step = indexOf(frame, " => pushing reg/app:1");
    assertThat(frame.get(step + 1))
        .as("the transfer in flight comes first")
        .startsWith(" => => pushing layer sha256:aa 45.21MB / 120.30MB ")
        .matches(".* 1\\.[5-9]s$");
    assertThat(frame.get(step + 2))
        .startsWith(" => => pushing config sha256:cc 1.50kB / 1.50kB ")
        .endsWith(" done");
  }

  private static SolveEvent transfer(
      String name, long current, long total, boolean done, Instant started) {
    return SolveEvent.newBuilder()
        .setTime(ts(Instant.now()))
        .setBytes(
            ByteProgress.newBuilder()
                .setVertexId("push")
                .setId(name)
                .setName(name)
                .setCurrent(current)
                .setTotal(total)
                .setCompleted(done)
                .setKind(TransferKind.TRANSFER_KIND_PUSH)
                .setStarted(ts(started)))
        .build();
  }

  /** The lines of the last redraw, without escape sequences. */
  private static List<String> lastFrame(String output) {
    String last = output.substring(output.lastIndexOf("[+] Building")).replace("\r", "");
    return last.lines().map(l -> l.replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "")).toList();
  }

  private static int indexOf(List<String> frame, String prefix) {
    for (int i = 0; i < frame.size(); i++) {
      if (frame.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("no line " + prefix + " in " + frame);
  }

  private static Timestamp ts(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
