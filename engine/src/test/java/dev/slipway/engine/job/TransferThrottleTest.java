package dev.slipway.engine.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.TransferKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a transfer's byte count becomes a progress event, and that the meters count what passes. */
class TransferThrottleTest {
  private static final long MS = 1_000_000L;

  @Test
  void theFirstCountIsAlwaysDue() {
    assertThat(new TransferThrottle().due(0, 1000, 0)).isTrue();
  }

  @Test
  void aFastTransferIsReportedAtEachQuarterOfItsTotal() {
    TransferThrottle throttle = new TransferThrottle();
    List<Long> reported = new ArrayList<>();
    // 100 MB in 1 MB pieces, all within a few milliseconds: only the quarters pass
    for (long current = 0; current <= 100_000_000L; current += 1_000_000L) {
      if (throttle.due(current, 100_000_000L, current / 1_000_000L * 10_000L)) {
        reported.add(current);
      }
    }
    assertThat(reported).containsExactly(0L, 25_000_000L, 50_000_000L, 75_000_000L, 100_000_000L);
  }

  @Test
  void aSlowTransferIsReportedEveryHundredMillisecondsAndNoMoreOften() {
    TransferThrottle throttle = new TransferThrottle();
    int reports = 0;
    // 1 kB every 10 ms for 2 s, of a total too large for any quarter to pass
    for (int i = 0; i <= 200; i++) {
      if (throttle.due(i * 1000L, 1_000_000_000L, i * 10 * MS)) {
        reports++;
      }
    }
    assertThat(reports).isEqualTo(21); // at 0, 100 ms, …, 2 s
  }

  @Test
  void anUnknownTotalIsReportedByTimeOnly() {
    TransferThrottle throttle = new TransferThrottle();
    assertThat(throttle.due(0, 0, 0)).isTrue();
    assertThat(throttle.due(50_000_000L, 0, 99 * MS)).isFalse();
    assertThat(throttle.due(60_000_000L, 0, 100 * MS)).isTrue();
  }

  @Test
  void metersCountTheBytesThatPassTheirStreamsAndAlwaysReportTheEnd() throws IOException {
    List<long[]> reports = new ArrayList<>();
    List<Boolean> completed = new ArrayList<>();
    TransferScope scope =
        (kind, id, name, started, current, total, done) -> {
          assertThat(kind).isEqualTo(TransferKind.TRANSFER_KIND_PUSH);
          reports.add(new long[] {current, total});
          completed.add(done);
        };
    byte[] data = new byte[4000];
    TransferMeter meter = scope.start(TransferKind.TRANSFER_KIND_PUSH, "id", "pushing", 4000);
    try (InputStream in = meter.counting(new ByteArrayInputStream(data));
        OutputStream out = new ByteArrayOutputStream()) {
      byte[] buf = new byte[1000];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    }
    meter.complete();
    meter.complete(); // once only

    assertThat(reports)
        .extracting(r -> r[0])
        .containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 4000L);
    assertThat(completed).containsExactly(false, false, false, false, false, true);
    assertThat(meter.current()).isEqualTo(4000);

    List<Long> written = new ArrayList<>();
    TransferMeter out =
        ((TransferScope) (kind, id, name, started, current, total, done) -> written.add(current))
            .start(TransferKind.TRANSFER_KIND_EXPORT, "tar", "sending tarball", 0);
    try (OutputStream counted = out.counting(OutputStream.nullOutputStream())) {
      counted.write(new byte[123]);
      counted.write(7);
    }
    out.complete();
    assertThat(written.getLast()).isEqualTo(124);
  }
}
