package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.ClientContext;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.Output;
import dev.slipway.api.control.v1.OutputType;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.job.BuildCancellation;
import dev.slipway.engine.session.LocalSession;
import dev.slipway.session.serving.LocalOutputs;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster-mode division of labour on loopback, without Kubernetes: someone else (here the test,
 * in the operator's place) calls Solve with the CLI's session id, while the CLI serves that session
 * and follows the build with Control.Status ({@link RemoteBuilder#attach}). In a cluster the CLI
 * reaches the builder through a port-forward instead; the gRPC traffic is the same.
 */
class AttachIT {
  private static final String BASE = Busybox.IN_REGISTRY;
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir static Path shared;
  private static BuilderProcess builder;
  private static String token;

  @TempDir Path work;

  @BeforeAll
  static void startBuilder() throws Exception {
    token = "it-" + System.nanoTime();
    Path tokenFile = Files.writeString(shared.resolve("token"), token + "\n");
    builder =
        BuilderProcess.start(
            REPO, shared.resolve("state"), tokenFile, Map.of("SLIPWAY_MAX_PARALLEL_BUILDS", "2"));
  }

  @AfterAll
  static void stopBuilder() throws Exception {
    if (builder != null) {
      builder.close();
    }
  }

  @Test
  void theCliServesTheSessionOfABuildTheOperatorStartedAndGetsItsOutput() throws Exception {
    Path context = Files.createDirectories(work.resolve("app"));
    String marker = "attached-" + System.nanoTime();
    Files.writeString(context.resolve("hello.txt"), marker + "\n");
    Files.writeString(
        context.resolve("Dockerfile"), "FROM " + BASE + "\nCOPY hello.txt /\nRUN cat /hello.txt\n");
    Path out = work.resolve("app.oci.tar");
    // The build as the CLI asked for it (what BuildCommand makes of -o type=oci,dest=...)
    SolveRequest asked =
        SolveRequest.newBuilder()
            .setBuildId("br-uid-1")
            .setContext(
                BuildContext.newBuilder().setClient(ClientContext.newBuilder().setName("context")))
            .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
            .addOutputs(
                Output.newBuilder().setType(OutputType.OUTPUT_TYPE_OCI).setDest(out.toString()))
            .build();
    String sessionId = UUID.randomUUID().toString();
    // ... and as the operator sends it: same outputs, client-path dests, the CLI's session id
    SolveRequest byOperator =
        LocalOutputs.forRemote(asked).toBuilder().setSessionId(sessionId).build();

    ManagedChannel operatorChannel = channel();
    CompletableFuture<SolveEvent> operatorSaw =
        CompletableFuture.supplyAsync(
            () -> {
              SolveEvent last = null;
              var events = control(operatorChannel).solve(byOperator);
              while (events.hasNext()) {
                last = events.next();
              }
              return last;
            });

    List<SolveEvent> progress = Collections.synchronizedList(new ArrayList<>());
    BuildResult result;
    try (RemoteBuilder cli =
            RemoteBuilder.connect(new BuilderAddress("127.0.0.1", builder.port()), token);
        LocalSession session = LocalSession.builder().context("context", context).build()) {
      result =
          cli.attach(
              sessionId,
              asked,
              session,
              progress::add,
              new BuildCancellation(),
              refusal -> {
                throw new AssertionError("Status was refused: " + refusal);
              });
    } finally {
      SolveEvent last = operatorSaw.get(60, TimeUnit.SECONDS);
      operatorChannel.shutdownNow();
      assertThat(last.hasResult()).as(String.valueOf(last)).isTrue();
    }

    assertThat(result.getConfigDigest()).startsWith("sha256:");
    assertThat(out).isRegularFile();
    assertThat(Files.size(out)).isGreaterThan(1000);
    assertThat(progress)
        .anyMatch(e -> e.hasVertex() && e.getVertex().getName().contains("COPY hello.txt"));
    assertThat(progress)
        .anyMatch(e -> e.hasLog() && e.getLog().getData().toStringUtf8().contains(marker));
  }

  private static ManagedChannel channel() {
    return NettyChannelBuilder.forTarget(builder.address().substring("grpc://".length()))
        .usePlaintext()
        .build();
  }

  private static ControlGrpc.ControlBlockingStub control(ManagedChannel channel) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ControlGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }
}
