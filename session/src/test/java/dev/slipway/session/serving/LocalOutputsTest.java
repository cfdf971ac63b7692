package dev.slipway.session.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.session.v1.ExportChunk;
import dev.slipway.session.BuildSession;
import dev.slipway.session.ContextFiles;
import dev.slipway.session.OutputDestination;
import dev.slipway.session.RegistryCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs of a remote build landing on the client: files, directories, standard output. */
class LocalOutputsTest {
  @TempDir Path dir;

  @Test
  void anArchiveAppearsAtItsDestinationOnlyWhenComplete() throws Exception {
    Path dest = dir.resolve("out/image.tar");
    LocalOutputs outputs = outputs(output(OutputType.OUTPUT_TYPE_OCI, dest.toString()));

    outputs.receive(chunk(0, "half ", false));
    assertThat(dest).doesNotExist();
    outputs.receive(chunk(0, "and the rest", true));
    outputs.awaitAll(Duration.ofSeconds(1));

    assertThat(dest).hasContent("half and the rest");
    assertThat(Files.list(dest.getParent())).containsExactly(dest);
  }

  @Test
  void aDirectoryOutputIsUnpackedFromTheTarTheBuilderSends() throws Exception {
    Path dest = dir.resolve("site");
    LocalOutputs outputs = outputs(output(OutputType.OUTPUT_TYPE_LOCAL, dest.toString()));

    outputs.receive(export(0, tar("index.html", "<h1>hi</h1>"), true));
    outputs.awaitAll(Duration.ofSeconds(1));

    assertThat(dest.resolve("index.html")).hasContent("<h1>hi</h1>");
  }

  @Test
  void aTarEntryThatLeavesTheDirectoryFailsTheOutput() throws Exception {
    Path dest = dir.resolve("site");
    LocalOutputs outputs = outputs(output(OutputType.OUTPUT_TYPE_LOCAL, dest.toString()));

    outputs.receive(export(0, tar("../escaped", "no"), true));

    assertThatThrownBy(() -> outputs.awaitAll(Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("leaves the output directory");
    assertThat(dir.resolve("escaped")).doesNotExist();
  }

  @Test
  void standardOutputGoesToTheClientsStream() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    LocalOutputs outputs =
        new LocalOutputs(
            LocalOutputs.forRemote(
                SolveRequest.newBuilder()
                    .addOutputs(output(OutputType.OUTPUT_TYPE_TAR, "-"))
                    .addOutputs(
                        Output.newBuilder().setType(OutputType.OUTPUT_TYPE_IMAGE).addNames("x"))
                    .build()),
            new Stdout(stdout));

    outputs.receive(chunk(0, "bytes", true));
    outputs.awaitAll(Duration.ofSeconds(1));

    assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo("bytes");
  }

  @Test
  void dataForAnOutputTheBuildLacksFailsIt() {
    LocalOutputs outputs = outputs(output(OutputType.OUTPUT_TYPE_TAR, "out.tar"));

    outputs.receive(chunk(3, "stray", true));

    assertThatThrownBy(() -> outputs.awaitAll(Duration.ofSeconds(1)))
        .hasMessageContaining("sent data for output 3, which this build lacks");
  }

  @Test
  void anOutputThatNeverArrivesTimesOutAndAbortingRemovesWhatWasBegun() throws Exception {
    Path dest = dir.resolve("image.tar");
    LocalOutputs outputs = outputs(output(OutputType.OUTPUT_TYPE_OCI, dest.toString()));
    outputs.receive(chunk(0, "partial", false));

    assertThatThrownBy(() -> outputs.awaitAll(Duration.ofMillis(20)))
        .hasMessageContaining("1 of its outputs did not arrive");
    outputs.abort();

    assertThat(Files.list(dir)).isEmpty();
  }

  private LocalOutputs outputs(Output output) {
    return new LocalOutputs(
        LocalOutputs.forRemote(SolveRequest.newBuilder().addOutputs(output).build()),
        new Stdout(new ByteArrayOutputStream()));
  }

  private static Output output(OutputType type, String dest) {
    return Output.newBuilder().setType(type).setDest(dest).build();
  }

  private static ExportChunk chunk(int output, String data, boolean eof) {
    return export(output, data.getBytes(StandardCharsets.UTF_8), eof);
  }

  private static ExportChunk export(int output, byte[] data, boolean eof) {
    return ExportChunk.newBuilder()
        .setOutput(output)
        .setData(ByteString.copyFrom(data))
        .setEof(eof)
        .build();
  }

  private static byte[] tar(String name, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(data.length);
      e.setMode(0100644);
      tar.putArchiveEntry(e);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  /** A client whose only resource is its standard output. */
  private record Stdout(OutputStream out) implements BuildSession {
    @Override
    public ContextFiles context(String name) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<byte[]> secret(String id) {
      return Optional.empty();
    }

    @Override
    public Optional<Path> sshAgentSocket(String id) {
      return Optional.empty();
    }

    @Override
    public OutputStream outputStream(OutputDestination dest) {
      assertThat(dest).isEqualTo(new OutputDestination.Stdout());
      return out;
    }

    @Override
    public Optional<RegistryCredentials> registryCredentials(String host) {
      return Optional.empty();
    }
  }
}
