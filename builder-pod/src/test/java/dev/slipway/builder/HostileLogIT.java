package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DockerfileSource;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.testing.BuilderProcess;
import dev.slipway.testing.Busybox;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build that floods the builder with output, and a builder that runs out of heap or is stopped,
 * against the real packaged builder process with the 256 MiB heap of the report. Before,
 * one {@code RUN yes | head -c 300000000} made the builder hold every byte, run out of heap in
 * several threads, fail every build on it and then ignore SIGTERM with a snapshot still mounted.
 */
class HostileLogIT {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final long LOG_LIMIT = 2L << 20;

  @TempDir Path work;

  /** The events of the builds run with {@link #solveAsync}, as they arrive. */
  private final List<SolveEvent> progress =
      java.util.Collections.synchronizedList(new ArrayList<>());

  private BuilderProcess builder;
  private ManagedChannel channel;
  private String token;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (builder != null) {
      builder.close();
    }
  }

  /**
   * 4 GiB of output, sixteen times the heap, through one RUN step (about half a minute here): the
   * step's log reaches the client clipped with BuildKit's notice, a small build run at the same
   * time succeeds, and the builder still answers afterwards.
   */
  @Test
  void aStepThatLogsManyTimesTheHeapIsClippedAndTheBuilderServesOn() throws Exception {
    start(Map.of());
    String marker = "flood-" + System.nanoTime();
    CompletableFuture<List<SolveEvent>> flood =
        solveAsync(
            "flood-" + marker,
            "RUN echo "
                + marker
                + " && yes 0123456789abcdef0123456789abcdef0123456789abcdef | head -c 4294967296");
    awaitStarted(flood, marker);
    List<SolveEvent> small = solve("small-" + marker, "RUN echo small-" + marker);

    assertThat(small.getLast().hasResult()).as(String.valueOf(small.getLast())).isTrue();
    assertThat(logText(small)).contains("small-" + marker);

    List<SolveEvent> flooded = flood.get(5, TimeUnit.MINUTES);
    assertThat(flooded.getLast().hasResult()).as(String.valueOf(flooded.getLast())).isTrue();
    String log = logText(flooded);
    assertThat(log).contains(marker).endsWith("\n[output clipped, log limit 2MiB reached]\n");
    assertThat(log.length()).isLessThan((int) LOG_LIMIT + 1024);
    assertThat(control().info(InfoRequest.getDefaultInstance()).getActiveBuilds()).isZero();
    assertThat(builder.awaitExit(Duration.ZERO)).as("the builder still runs").isEmpty();
    assertThat(builder.log()).doesNotContain("OutOfMemoryError");
  }

  /** A builder out of heap exits (its pod restarts) instead of serving on with threads dead. */
  @Test
  void aBuilderThatRunsOutOfHeapExits() throws Exception {
    start(Map.of());
    Path agent = agentJar();

    VirtualMachine vm = VirtualMachine.attach(String.valueOf(builder.pid()));
    try {
      vm.loadAgent(agent.toString());
    } finally {
      vm.detach();
    }

    OptionalInt exit = builder.awaitExit(Duration.ofSeconds(60));
    assertThat(exit).as("the builder exited; its log:\n" + builder.log()).isPresent();
    assertThat(exit.getAsInt()).isNotZero();
    assertThat(builder.log()).contains("Terminating due to java.lang.OutOfMemoryError");
  }

  /**
   * SIGTERM while a RUN step sleeps: the builder cancels the build, kills the step's container,
   * unmounts its snapshot and exits within its shutdown bound.
   */
  @Test
  void sigtermDuringARunningStepStopsTheBuilderInTimeAndLeavesNothingMounted() throws Exception {
    start(Map.of("SLIPWAY_SHUTDOWN_TIMEOUT", "10"));
    String marker = "sleeper-" + System.nanoTime();
    int seconds = 600 + (int) (System.nanoTime() % 97);
    CompletableFuture<List<SolveEvent>> sleeping =
        solveAsync(marker, "RUN echo " + marker + " && sleep " + seconds);
    awaitStarted(sleeping, marker);
    Path state = work.resolve("state").toRealPath();
    assertThat(mountsUnder(state)).as("the step runs on a mounted snapshot").isNotEmpty();
    assertThat(processesSleeping(seconds)).isNotEmpty();

    long start = System.nanoTime();
    OptionalInt exit = builder.terminate(Duration.ofSeconds(15));
    long tookMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(exit).as("stopped within the bound; its log:\n" + builder.log()).isPresent();
    assertThat(tookMillis).isLessThan(12_000);
    assertThat(mountsUnder(state)).isEmpty();
    assertThat(processesSleeping(seconds)).as("the step's process was killed").isEmpty();
    List<SolveEvent> events = sleeping.get(10, TimeUnit.SECONDS);
    assertThat(events.getLast().hasError()).as("the client heard why").isTrue();
    assertThat(events.getLast().getError().getMessage()).contains("shutting down");
  }

  private void start(Map<String, String> environment) throws IOException {
    token = "it-" + System.nanoTime();
    Path tokenFile = Files.writeString(work.resolve("token"), token + "\n");
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("SLIPWAY_JAVA_OPTS", "-Xmx256m");
    builder = BuilderProcess.start(REPO, work.resolve("state"), tokenFile, env);
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", builder.port())
            .usePlaintext()
            .maxInboundMessageSize(16 << 20)
            .build();
  }

  private ControlGrpc.ControlBlockingStub control() {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return ControlGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private List<SolveEvent> solve(String id, String run) {
    SolveRequest request =
        SolveRequest.newBuilder()
            .setBuildId(id)
            .setDockerfile(
                DockerfileSource.newBuilder().setInline("FROM " + Busybox.IN_REGISTRY + "\n" + run))
            .build();
    List<SolveEvent> events = new ArrayList<>();
    for (Iterator<SolveEvent> it = control().solve(request); it.hasNext(); ) {
      events.add(it.next());
    }
    return events;
  }

  private CompletableFuture<List<SolveEvent>> solveAsync(String id, String run) {
    return CompletableFuture.supplyAsync(
        () -> {
          SolveRequest request =
              SolveRequest.newBuilder()
                  .setBuildId(id)
                  .setDockerfile(
                      DockerfileSource.newBuilder()
                          .setInline("FROM " + Busybox.IN_REGISTRY + "\n" + run))
                  .build();
          List<SolveEvent> events = new ArrayList<>();
          try {
            for (Iterator<SolveEvent> it = control().solve(request); it.hasNext(); ) {
              SolveEvent e = it.next();
              events.add(e);
              progress.add(e);
            }
          } catch (io.grpc.StatusRuntimeException e) {
            events.add(
                SolveEvent.newBuilder()
                    .setError(
                        dev.slipway.api.control.v1.BuildError.newBuilder()
                            .setMessage(String.valueOf(e.getStatus().getDescription())))
                    .build());
          }
          return events;
        });
  }

  /** Waits until the RUN step of the async build has printed its marker. */
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

  private static String logText(List<SolveEvent> events) {
    StringBuilder s = new StringBuilder();
    for (SolveEvent e : events) {
      if (e.hasLog()) {
        s.append(e.getLog().getData().toStringUtf8());
      }
    }
    return s.toString();
  }

  /** Mount points at or below {@code dir} in this mount namespace (the builder's, too). */
  private static List<String> mountsUnder(Path dir) throws IOException {
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String mountPoint = line.split(" ")[4];
      if (mountPoint.equals(dir.toString()) || mountPoint.startsWith(dir + "/")) {
        found.add(mountPoint);
      }
    }
    return found;
  }

  /** Processes whose command line is {@code sleep <seconds>}. */
  private static List<Long> processesSleeping(int seconds) {
    String wanted = "sleep\0" + seconds;
    return ProcessHandle.allProcesses()
        .filter(
            p -> {
              try {
                String cmdline = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"));
                return cmdline.startsWith(wanted);
              } catch (IOException | RuntimeException gone) {
                return false;
              }
            })
        .map(ProcessHandle::pid)
        .toList();
  }

  /** A jar whose Agent-Class is {@link HeapExhaustingAgent}, for the attach API to load. */
  private Path agentJar() throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest
        .getMainAttributes()
        .put(new Attributes.Name("Agent-Class"), HeapExhaustingAgent.class.getName());
    Path jar = work.resolve("heap-exhausting-agent.jar");
    String entry = HeapExhaustingAgent.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
        var in = HeapExhaustingAgent.class.getResourceAsStream("/" + entry)) {
      out.putNextEntry(new JarEntry(entry));
      out.write(in.readAllBytes());
    }
    return jar;
  }
}
