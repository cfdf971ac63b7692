package dev.slipway.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A step's log stops at its limit with BuildKit's notice, whatever the process writes; the process
 * itself is still drained to its end (a real container that writes far past the limit).
 */
class ClippedLogSinkTest extends ExecutorFixture {

  @Test
  void passesOutputBelowTheLimitUnchanged() {
    Captured out = new Captured();
    ClippedLogSink sink = new ClippedLogSink(out, 10);

    sink.write(LogStream.STDOUT, bytes("12345"));
    sink.write(LogStream.STDERR, bytes("6789"));

    assertThat(out.text(LogStream.STDOUT)).isEqualTo("12345");
    assertThat(out.text(LogStream.STDERR)).isEqualTo("6789");
    assertThat(sink.droppedBytes()).isZero();
  }

  @Test
  void bothStreamsShareOneLimitAndTheNoticeComesOnceOnTheStreamThatCrossedIt() {
    Captured out = new Captured();
    ClippedLogSink sink = new ClippedLogSink(out, 8);

    sink.write(LogStream.STDOUT, bytes("abcde"));
    sink.write(LogStream.STDERR, bytes("fghij"));
    sink.write(LogStream.STDOUT, bytes("more"));
    sink.write(LogStream.STDERR, bytes("and more"));

    assertThat(out.text(LogStream.STDOUT)).isEqualTo("abcde");
    assertThat(out.text(LogStream.STDERR))
        .isEqualTo("fgh\n[output clipped, log limit 8B reached]\n");
    assertThat(sink.droppedBytes()).isEqualTo(2 + 4 + 8);
  }

  @Test
  void aLimitReachedExactlyBetweenTwoChunksStillEndsWithTheNotice() {
    Captured out = new Captured();
    ClippedLogSink sink = new ClippedLogSink(out, 8);

    sink.write(LogStream.STDOUT, bytes("abcd"));
    sink.write(LogStream.STDOUT, bytes("efgh"));
    sink.write(LogStream.STDOUT, bytes("ijkl"));
    sink.write(LogStream.STDOUT, bytes("mnop"));

    assertThat(out.text(LogStream.STDOUT))
        .isEqualTo("abcdefgh\n[output clipped, log limit 8B reached]\n");
    assertThat(sink.droppedBytes()).isEqualTo(8);
  }

  @Test
  void namesTheLimitInBinaryUnitsAsBuildKitDoes() {
    assertThat(ClippedLogSink.message(2L << 20))
        .isEqualTo("\n[output clipped, log limit 2MiB reached]\n");
    assertThat(ClippedLogSink.message(512 << 10)).contains("log limit 512KiB reached");
  }

  @Test
  void refusesALimitBelowOneByte() {
    assertThatThrownBy(() -> new ClippedLogSink(LogSink.discarding(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 byte");
  }

  @Test
  void aStepThatWritesFarPastTheLimitRunsToItsEndWithItsLogClipped() {
    Captured out = new Captured();
    ClippedLogSink sink = new ClippedLogSink(out, 64 << 10);

    // 64 MiB of output against a 64 KiB limit; the step's own exit status proves it was drained.
    ExecResult result =
        executor.run(
            sh("yes 0123456789abcdef | head -c 67108864; echo done >&2").build(),
            sink,
            CancellationToken.none());

    assertThat(result.exitCode()).isZero();
    String seen = out.text(LogStream.STDOUT) + out.text(LogStream.STDERR);
    assertThat(seen)
        .endsWith("\n[output clipped, log limit 64KiB reached]\n")
        .doesNotContain("done");
    assertThat(seen.length()).isLessThan((64 << 10) + 100);
    assertThat(sink.droppedBytes()).isEqualTo(67108864L + "done\n".length() - (64 << 10));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
