package dev.slipway.operator.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.ExportChunk;
import dev.slipway.operator.output.VolumeWriterPod.VolumeStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class VolumeOutputsTest {

  private final Map<Integer, ByteArrayOutputStream> written = new ConcurrentHashMap<>();
  private final List<String> events = new CopyOnWriteArrayList<>();

  private VolumeStream stream(VolumeTarget target, String refusal) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    written.put(target.output(), bytes);
    events.add("open " + target.output());
    return new VolumeStream() {
      @Override
      public OutputStream data() {
        return bytes;
      }

      @Override
      public void finish(Duration patience) throws IOException {
        events.add("finish " + target.output());
        if (refusal != null) {
          throw new IOException(refusal);
        }
      }

      @Override
      public void abort() {
        events.add("abort " + target.output());
      }
    };
  }

  @Test
  void eachOutputIsStreamedToItsTargetAndTheBuildIsCompleteWhenAllAreWritten() throws Exception {
    var targets =
        List.of(
            new VolumeTarget(1, "artifacts", 0, "app.tar", false, "oci"),
            new VolumeTarget(2, "artifacts", 0, "rootfs", true, "local"));
    VolumeOutputs outputs = new VolumeOutputs(targets, t -> stream(t, null));

    outputs.receive(chunk(1, "ab", false));
    outputs.receive(chunk(2, "tar", true));
    await(() -> events.contains("finish 2"));
    assertThat(outputs.complete()).isFalse();
    outputs.receive(chunk(1, "cd", true));

    await(outputs::complete);
    assertThat(outputs.failure()).isEmpty();
    assertThat(written.get(1).toString(StandardCharsets.UTF_8)).isEqualTo("abcd");
    assertThat(written.get(2).toString(StandardCharsets.UTF_8)).isEqualTo("tar");
    assertThat(events).containsExactlyInAnyOrder("open 1", "open 2", "finish 2", "finish 1");
  }

  @Test
  void theSessionsThreadGoesOnWhileTheWriterPodStarts() throws Exception {
    var target = new VolumeTarget(0, "artifacts", 0, "x.tar", false, "oci");
    CountDownLatch podReady = new CountDownLatch(1);
    VolumeOutputs outputs =
        new VolumeOutputs(
            List.of(target),
            t -> {
              try {
                podReady.await();
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
              return stream(t, null);
            });

    long start = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      outputs.receive(chunk(0, "x", i == 19));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("the builder's pings are answered on this thread meanwhile")
        .isLessThan(Duration.ofSeconds(2));
    assertThat(outputs.complete()).isFalse();

    podReady.countDown();
    await(outputs::complete);
    assertThat(written.get(0).toString(StandardCharsets.UTF_8)).isEqualTo("x".repeat(20));
  }

  @Test
  void theWritersRefusalFailsTheOutputsNamingTheOutput() throws Exception {
    var target = new VolumeTarget(0, "artifacts", 0, "out/x.tar", false, "oci");
    VolumeOutputs outputs =
        new VolumeOutputs(
            List.of(target), t -> stream(t, "the volume: out is a symlink, which is not followed"));

    outputs.receive(chunk(0, "x", true));

    await(() -> outputs.failure().isPresent());
    assertThat(outputs.complete()).isFalse();
    assertThat(outputs.failure().orElseThrow())
        .contains("spec.outputs[0] (type oci, artifacts:out/x.tar)")
        .contains("symlink");
  }

  @Test
  void dataForAnOutputThatGoesToNoVolumeFailsAndBreaksOffTheOthers() throws Exception {
    var target = new VolumeTarget(0, "artifacts", 0, "x.tar", false, "oci");
    VolumeOutputs outputs = new VolumeOutputs(List.of(target), t -> stream(t, null));

    outputs.receive(chunk(0, "x", false));
    outputs.receive(chunk(3, "y", false));

    assertThat(outputs.failure()).hasValueSatisfying(m -> assertThat(m).contains("output 3"));
    await(() -> events.contains("abort 0"));
    outputs.receive(chunk(0, "z", true));
    Thread.sleep(200);
    assertThat(outputs.complete()).as("nothing is written after a failure").isFalse();
    assertThat(events).doesNotContain("finish 0");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 10 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static ExportChunk chunk(int output, String data, boolean eof) {
    return ExportChunk.newBuilder()
        .setOutput(output)
        .setData(ByteString.copyFromUtf8(data))
        .setEof(eof)
        .build();
  }
}
