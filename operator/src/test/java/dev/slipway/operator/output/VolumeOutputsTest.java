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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeOutputsTest {

  private final Map<Integer, ByteArrayOutputStream> written = new HashMap<>();
  private final List<String> events = new ArrayList<>();

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
  void eachOutputIsStreamedToItsTargetAndTheBuildIsCompleteWhenAllAreWritten() {
    var targets =
        List.of(
            new VolumeTarget(1, "artifacts", 0, "app.tar", false, "oci"),
            new VolumeTarget(2, "artifacts", 0, "rootfs", true, "local"));
    VolumeOutputs outputs = new VolumeOutputs(targets, t -> stream(t, null));

    outputs.receive(chunk(1, "ab", false));
    outputs.receive(chunk(2, "tar", true));
    assertThat(outputs.complete()).isFalse();
    outputs.receive(chunk(1, "cd", true));

    assertThat(outputs.complete()).isTrue();
    assertThat(outputs.failure()).isEmpty();
    assertThat(written.get(1).toString(StandardCharsets.UTF_8)).isEqualTo("abcd");
    assertThat(written.get(2).toString(StandardCharsets.UTF_8)).isEqualTo("tar");
    assertThat(events).containsExactly("open 1", "open 2", "finish 2", "finish 1");
  }

  @Test
  void theWritersRefusalFailsTheOutputsNamingTheOutput() {
    var target = new VolumeTarget(0, "artifacts", 0, "out/x.tar", false, "oci");
    VolumeOutputs outputs =
        new VolumeOutputs(
            List.of(target), t -> stream(t, "the volume: out is a symlink, which is not followed"));

    outputs.receive(chunk(0, "x", true));

    assertThat(outputs.complete()).isFalse();
    assertThat(outputs.failure())
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("spec.outputs[0] (type oci, artifacts:out/x.tar)")
                    .contains("symlink"));
  }

  @Test
  void dataForAnOutputThatGoesToNoVolumeFailsAndBreaksOffTheOthers() {
    var target = new VolumeTarget(0, "artifacts", 0, "x.tar", false, "oci");
    VolumeOutputs outputs = new VolumeOutputs(List.of(target), t -> stream(t, null));

    outputs.receive(chunk(0, "x", false));
    outputs.receive(chunk(3, "y", false));

    assertThat(outputs.failure()).hasValueSatisfying(m -> assertThat(m).contains("output 3"));
    assertThat(events).containsExactly("open 0", "abort 0");
    outputs.receive(chunk(0, "z", true));
    assertThat(outputs.complete()).as("nothing is written after a failure").isFalse();
  }

  private static ExportChunk chunk(int output, String data, boolean eof) {
    return ExportChunk.newBuilder()
        .setOutput(output)
        .setData(ByteString.copyFromUtf8(data))
        .setEof(eof)
        .build();
  }
}
