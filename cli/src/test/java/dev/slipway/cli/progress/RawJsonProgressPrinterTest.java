package dev.slipway.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.ByteProgress;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.TransferKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** rawjson carries each transfer update with what buildx's status messages hold. */
class RawJsonProgressPrinterTest {

  @Test
  void aTransferUpdateIsOneLineWithIdVertexNameCountsKindAndTimes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RawJsonProgressPrinter printer =
        new RawJsonProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    printer.accept(
        SolveEvent.newBuilder()
            .setBuildId("b1")
            .setTime(Timestamp.newBuilder().setSeconds(1_700_000_002))
            .setBytes(
                ByteProgress.newBuilder()
                    .setVertexId("push:b1:reg/app:1")
                    .setId("sha256:aa")
                    .setName("pushing layer sha256:aa")
                    .setCurrent(45_210_000)
                    .setTotal(120_300_000)
                    .setKind(TransferKind.TRANSFER_KIND_PUSH)
                    .setStarted(Timestamp.newBuilder().setSeconds(1_700_000_000)))
            .build());
    printer.finish();

    String line = bytes.toString(StandardCharsets.UTF_8).strip();
    assertThat(line.lines()).hasSize(1);
    JsonNode event = new ObjectMapper().readTree(line);
    assertThat(event.path("time").asText()).isEqualTo("2023-11-14T22:13:22Z");
    JsonNode b = event.path("bytes");
    assertThat(b.path("vertexId").asText()).isEqualTo("push:b1:reg/app:1");
    assertThat(b.path("id").asText()).isEqualTo("sha256:aa");
    assertThat(b.path("name").asText()).isEqualTo("pushing layer sha256:aa");
    assertThat(b.path("current").asLong()).isEqualTo(45_210_000);
    assertThat(b.path("total").asLong()).isEqualTo(120_300_000);
    assertThat(b.path("kind").asText()).isEqualTo("TRANSFER_KIND_PUSH");
    assertThat(b.path("started").asText()).isEqualTo("2023-11-14T22:13:20Z");
    assertThat(b.has("completed")).as("false until the end").isFalse();
  }
}
