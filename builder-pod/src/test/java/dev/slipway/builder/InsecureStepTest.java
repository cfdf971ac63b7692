package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.slipway.api.control.v1.BuildContext;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.InlineContext;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.engine.Engine;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.testing.Busybox;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A build that asks for {@code RUN --security=insecure} and the security.insecure entitlement, sent
 * over Control.Solve to a real builder configured by its own flags: a builder started without
 * {@code --allow-insecure-entitlement} (what a Builder without {@code
 * spec.allowInsecureEntitlement} gets) refuses the step, whatever the request asks; one started
 * with it runs the step privileged.
 */
class InsecureStepTest {
  private static final String DOCKERFILE =
      "FROM "
          + Busybox.IN_REGISTRY
          + "\nRUN --security=insecure mkdir -p /m && mount -t tmpfs none /m && echo mounted-tmpfs\n";

  @TempDir Path state;

  @Test
  void aBuilderThatDoesNotAllowItRefusesTheInsecureStep() throws Exception {
    SolveEvent last = solveOn(builderFlags(), "refused-1");
    assertThat(last.hasError()).as("the build was refused: %s", last).isTrue();
    assertThat(last.getError().getMessage())
        .contains("RUN --security=insecure")
        .contains("security.insecure entitlement")
        .contains("--allow-insecure-entitlement")
        .contains("spec.allowInsecureEntitlement");
  }

  @Test
  void aBuilderThatAllowsItRunsTheStepPrivileged() throws Exception {
    List<SolveEvent> events = new ArrayList<>();
    SolveEvent last = solveOn(builderFlags("--allow-insecure-entitlement"), "allowed-1", events);
    assertThat(last.hasResult()).as("the build succeeded: %s", last).isTrue();
    assertThat(events.toString()).contains("mounted-tmpfs");
  }

  private BuilderMain builderFlags(String... extra) {
    BuilderMain main = new BuilderMain();
    List<String> args = new ArrayList<>(List.of("--state", state.toString()));
    args.addAll(List.of(extra));
    new CommandLine(main).parseArgs(args.toArray(String[]::new));
    return main;
  }

  private SolveEvent solveOn(BuilderMain flags, String buildId) throws Exception {
    return solveOn(flags, buildId, new ArrayList<>());
  }

  /** Starts a builder with the engine {@code flags} configure and solves one request on it. */
  private SolveEvent solveOn(BuilderMain flags, String buildId, List<SolveEvent> events)
      throws Exception {
    SolveRequest request =
        SolveRequest.newBuilder()
            .setBuildId(buildId)
            .setContext(
                BuildContext.newBuilder()
                    .setInline(
                        InlineContext.newBuilder()
                            .putFiles("Dockerfile", ByteString.copyFromUtf8(DOCKERFILE))))
            .setDockerfile(DockerfileSource.newBuilder().setPath("Dockerfile"))
            .addEntitlements("security.insecure")
            .build();
    try (Engine engine = Engine.open(flags.engineConfig());
        BuilderServer server =
            new BuilderServer(
                engine,
                new BuilderServer.Settings(
                    List.of(new InetSocketAddress("127.0.0.1", 0)),
                    CallerSource.anyone("tester"),
                    Optional.empty(),
                    1,
                    Optional.empty(),
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(60),
                    "test"))) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        ControlGrpc.newBlockingStub(channel)
            .withDeadlineAfter(2, TimeUnit.MINUTES)
            .solve(request)
            .forEachRemaining(events::add);
      } finally {
        channel.shutdownNow();
      }
    }
    assertThat(events).isNotEmpty();
    return events.get(events.size() - 1);
  }
}
