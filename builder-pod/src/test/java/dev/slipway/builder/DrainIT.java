package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as the kubelet sends it to a pod being replaced, against the real packaged builder: the
 * builds it runs finish (up to {@code --drain-timeout}), new ones are refused as draining, and the
 * process exits afterwards.
 */
class DrainIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();

  @TempDir Path work;

  private final List<SolveEvent> progress = Collections.synchronizedList(new ArrayList<>());
  private BuilderProcess builder;
  private ManagedChannel channel;
  private String token;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (builder != null) {
      builder.kill();
    }
  }

  @Test
  void sigtermDuringATenSecondStepLetsTheBuildSucceedRefusesNewBuildsAndThenExits()
      throws Exception {
    start("2m");
    String marker = "drain-" + System.nanoTime();
    long started = System.nanoTime();
    CompletableFuture<List<SolveEvent>> build =
        solveAsync(marker, "RUN echo " + marker + " && sleep 10 && echo finished-" + marker);
    awaitStarted(build, marker);

    assertThat(builder.terminate(Duration.ZERO)).as("SIGTERM sent; still running").isEmpty();
    awaitLog("draining: 1 builds running, taking no new build (grace 2m)");

    assertThat(control().info(InfoRequest.getDefaultInstance()).getDraining()).isTrue();
    assertThatThrownBy(() -> solve("new-" + marker, "RUN true"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE))
        .hasMessageContaining("draining")
        .hasMessageContaining("another builder pod");
    // an operator that restarted re-attaches to the running build
    Iterator<SolveEvent> again =
        control().status(StatusRequest.newBuilder().setBuildId(marker).build());
    SolveEvent last = null;
    while (again.hasNext()) {
      last = again.next();
    }
    assertThat(last).isNotNull();
    assertThat(last.hasResult()).as("Status while draining ends: " + last).isTrue();

    List<SolveEvent> events = build.get(2, TimeUnit.MINUTES);
    assertThat(events.getLast().hasResult()).as(String.valueOf(events.getLast())).isTrue();
    assertThat(logText(events)).contains("finished-" + marker);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(10));
    OptionalInt exit = builder.awaitExit(Duration.ofSeconds(60));
    assertThat(exit).as("exited after the drain; log:\n" + builder.log()).isPresent();
    assertThat(exit.getAsInt()).isZero();
    assertThat(builder.log())
        .contains("build " + marker + " ended: succeeded")
        .contains("slipway-builder: drained");
  }

  @Test
  void theDrainTimeoutCancelsWhatStillRunsAndTheBuilderExits() throws Exception {
    start("3s");
    String marker = "slow-" + System.nanoTime();
    CompletableFuture<List<SolveEvent>> build =
        solveAsync(marker, "RUN echo " + marker + " && sleep 600");
    awaitStarted(build, marker);

    long signalled = System.nanoTime();
    OptionalInt exit = builder.terminate(Duration.ofSeconds(40));
    Duration took = Duration.ofNanos(System.nanoTime() - signalled);

    assertThat(exit).as("exited; log:\n" + builder.log()).isPresent();
    assertThat(took).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(30));
    assertThat(builder.log())
        .contains("draining: 1 builds running, taking no new build (grace 3s)")
        .contains("drain grace 3s passed: cancelling the 1 builds still running")
        .doesNotContain("slipway-builder: drained");
    List<SolveEvent> events = build.get(10, TimeUnit.SECONDS);
    assertThat(events.getLast().hasError()).as(String.valueOf(events.getLast())).isTrue();
    assertThat(events.getLast().getError().getMessage()).contains("shutting down");
  }

  private void start(String drainTimeout) throws Exception {
    token = "it-" + System.nanoTime();
    Path tokenFile = Files.writeString(work.resolve("token"), token + "\n");
    builder =
        BuilderProcess.start(
            REPO,
            work.resolve("state"),
            tokenFile,
            Map.of(
                "SLIPWAY_DRAIN_TIMEOUT",
                drainTimeout,
                "SLIPWAY_SHUTDOWN_TIMEOUT",
                "10",
                "SLIPWAY_JAVA_OPTS",
                "-Xmx256m"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", builder.port()).usePlaintext().build();
  }

  private ControlGrpc.ControlBlockingStub control() {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ControlGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static SolveRequest request(String id, String run) {
    return SolveRequest.newBuilder()
        .setBuildId(id)
        .setDockerfile(
            DockerfileSource.newBuilder().setInline("FROM " + Busybox.IN_REGISTRY + "\n" + run))
        .build();
  }

  private List<SolveEvent> solve(String id, String run) {
    List<SolveEvent> events = new ArrayList<>();
    control().solve(request(id, run)).forEachRemaining(events::add);
    return events;
  }

  private CompletableFuture<List<SolveEvent>> solveAsync(String id, String run) {
    return CompletableFuture.supplyAsync(
        () -> {
          List<SolveEvent> events = new ArrayList<>();
          try {
            for (Iterator<SolveEvent> it = control().solve(request(id, run)); it.hasNext(); ) {
              SolveEvent e = it.next();
              events.add(e);
              progress.add(e);
            }
          } catch (StatusRuntimeException e) {
            events.add(
                SolveEvent.newBuilder()
                    .setError(
                        dev.slipway.api.control.v1.BuildError.newBuilder()
                            .setMessage(String.valueOf(e.getStatus())))
                    .build());
          }
          return events;
        });
  }

  private void awaitStarted(CompletableFuture<List<SolveEvent>> build, String marker)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (build.isDone()) {
        throw new AssertionError("the build ended early: " + build.get().getLast());
      }
      synchronized (progress) {
        if (progress.stream()
            .anyMatch(e -> e.hasLog() && e.getLog().getData().toStringUtf8().contains(marker))) {
          return;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the step did not start; builder log:\n" + builder.log());
  }

  private void awaitLog(String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!builder.log().contains(line) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(builder.log()).contains(line);
  }

  private static String logText(List<SolveEvent> events) {
    StringBuilder s = new StringBuilder();
    for (SolveEvent e : events) {
      if (e.hasLog()) {
        s.append(e.getLog().getData().toStringUtf8());
      }
    }
    return s.toString();
  }
}
