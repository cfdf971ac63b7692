package dev.slipway.operator.testing;

import com.google.protobuf.Timestamp;
import dev.slipway.api.control.v1.BuildAccepted;
import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.BuildSummary;
import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.CancelResponse;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.ListBuildsResponse;
import dev.slipway.api.control.v1.PlatformResult;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.api.control.v1.VertexEvent;
import dev.slipway.api.control.v1.VertexState;
import dev.slipway.operator.build.ContextKeys;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A builder pod's Control service without an engine: each build "runs" for the milliseconds in its
 * build arg {@code FAKE_DURATION_MS} (default 200) through three steps and then succeeds, or fails
 * with a step error when {@code FAKE_OUTCOME=fail} (at once when its one platform is {@code
 * FAKE_FAIL_PLATFORM}). Its Info lists linux/amd64 and linux/arm64, as a machine with QEMU's
 * aarch64 handler registered; a single-platform build's digest is the sha256 of its platform.
 * Served in-process under the pod's endpoint, so the operator reaches it exactly as it would reach
 * a real pod.
 */
public final class FakeBuilderPod extends ControlGrpc.ControlImplBase implements AutoCloseable {

  /** A Solve as the pod received it. */
  public record Received(String buildId, SolveRequest request, long nanoTime) {}

  private static final int STEPS = 3;

  private final String name;
  private final String endpoint;
  private final int maxParallelBuilds;
  private final Server server;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
  private final Map<String, FakeBuild> builds = new LinkedHashMap<>();
  private final LinkedList<String> recentContextKeys = new LinkedList<>();
  private final LinkedList<String> recentDockerfileDigests = new LinkedList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private int peakActive;
  private boolean draining;
  private boolean drainOnNextSolve;

  public FakeBuilderPod(String name, String endpoint, int maxParallelBuilds) throws IOException {
    this.name = name;
    this.endpoint = endpoint;
    this.maxParallelBuilds = maxParallelBuilds;
    this.server =
        InProcessServerBuilder.forName(endpoint).addService(this).directExecutor().build().start();
  }

  public String name() {
    return name;
  }

  public List<Received> received() {
    return received;
  }

  /** Build ids of the Solves it refused as draining. */
  public List<String> refused() {
    return refused;
  }

  public synchronized int peakActive() {
    return peakActive;
  }

  /**
   * The pod got SIGTERM, as the real builder drains: new Solves are refused as UNAVAILABLE, Info
   * says draining, running builds go on.
   */
  public synchronized void drain() {
    draining = true;
  }

  /**
   * SIGTERM arrives just before the next Solve: Info says nothing of it until that Solve is
   * refused, as when the operator's view of the pod is a moment old.
   */
  public synchronized void drainOnNextSolve() {
    drainOnNextSolve = true;
  }

  /** Marks a Dockerfile (sha256 hex of its bytes) as recently run here. */
  public synchronized void warmDockerfile(String digest) {
    recentDockerfileDigests.addFirst(digest);
  }

  /** Marks a context as recently built here (a warm cache). */
  public synchronized void warm(String contextKey) {
    recentContextKeys.addFirst(contextKey);
  }

  private final class FakeBuild {
    final String id;
    final String contextKey;
    final List<SolveEvent> events = new ArrayList<>();
    final List<StreamObserver<SolveEvent>> followers = new ArrayList<>();
    BuildState state = BuildState.BUILD_STATE_RUNNING;
    int done;
    List<String> platforms = List.of();

    FakeBuild(String id, String contextKey) {
      this.id = id;
      this.contextKey = contextKey;
    }

    void emit(SolveEvent.Builder event) {
      SolveEvent e = event.setBuildId(id).setTime(now()).build();
      events.add(e);
      boolean last = e.hasResult() || e.hasError();
      for (StreamObserver<SolveEvent> f : followers) {
        try {
          f.onNext(e);
          if (last) {
            f.onCompleted();
          }
        } catch (RuntimeException gone) {
          // The follower went away; the build goes on.
        }
      }
      if (last) {
        followers.clear();
      }
    }
  }

  @Override
  public void solve(SolveRequest request, StreamObserver<SolveEvent> events) {
    long at = System.nanoTime();
    synchronized (this) {
      if (drainOnNextSolve) {
        drainOnNextSolve = false;
        draining = true;
      }
      if (draining) {
        refused.add(request.getBuildId());
        events.onError(
            Status.UNAVAILABLE
                .withDescription("this builder pod is draining; run the build on another one")
                .asRuntimeException());
        return;
      }
      if (builds.containsKey(request.getBuildId())) {
        events.onError(
            Status.ALREADY_EXISTS
                .withDescription("build " + request.getBuildId() + " exists")
                .asRuntimeException());
        return;
      }
      received.add(new Received(request.getBuildId(), request, at));
      FakeBuild build =
          new FakeBuild(request.getBuildId(), ContextKeys.of(request.getContext(), null));
      builds.put(build.id, build);
      build.followers.add(events);
      peakActive = Math.max(peakActive, active());
      build.emit(
          SolveEvent.newBuilder()
              .setAccepted(BuildAccepted.newBuilder().setStepsTotal(STEPS).setBuilderName(name)));
      long duration = Long.parseLong(request.getBuildArgsOrDefault("FAKE_DURATION_MS", "200"));
      boolean fail = "fail".equals(request.getBuildArgsOrDefault("FAKE_OUTCOME", "ok"));
      build.platforms = request.getPlatformsList();
      if (build.platforms.size() == 1
          && build
              .platforms
              .getFirst()
              .equals(request.getBuildArgsOrDefault("FAKE_FAIL_PLATFORM", ""))) {
        clock.schedule(() -> step(build, STEPS, true), 20, TimeUnit.MILLISECONDS);
        return;
      }
      for (int step = 1; step <= STEPS; step++) {
        int s = step;
        clock.schedule(() -> step(build, s, fail), duration * step / STEPS, TimeUnit.MILLISECONDS);
      }
    }
  }

  private synchronized void step(FakeBuild build, int step, boolean fail) {
    if (build.state != BuildState.BUILD_STATE_RUNNING) {
      return;
    }
    if (fail && step == STEPS) {
      build.state = BuildState.BUILD_STATE_FAILED;
      build.emit(
          SolveEvent.newBuilder()
              .setError(
                  BuildError.newBuilder()
                      .setKind(ErrorKind.ERROR_KIND_STEP_FAILED)
                      .setMessage("RUN make: exit code 2")
                      .setExitCode(2)));
      return;
    }
    build.done = step;
    build.emit(
        SolveEvent.newBuilder()
            .setVertex(
                VertexEvent.newBuilder()
                    .setVertexId("v" + step)
                    .setName("[" + step + "/" + STEPS + "] RUN step " + step)
                    .setState(VertexState.VERTEX_STATE_DONE)));
    if (step == STEPS) {
      // Like the real builder: the slot is free before the final event goes out.
      build.state = BuildState.BUILD_STATE_SUCCEEDED;
      recentContextKeys.remove(build.contextKey);
      recentContextKeys.addFirst(build.contextKey);
      String digest =
          build.platforms.size() == 1
              ? digestOf(build.platforms.getFirst())
              : "sha256:" + "ab".repeat(32);
      BuildResult.Builder result =
          BuildResult.newBuilder()
              .setImageDigest(digest)
              .addRefs("127.0.0.1:5000/app@" + digest)
              .setStepsTotal(STEPS)
              .setSizeBytes(1234);
      build.platforms.forEach(
          p ->
              result.addPlatforms(
                  PlatformResult.newBuilder()
                      .setPlatform(p)
                      .setDigest(digestOf(p))
                      .setAttestationDigest(digestOf("attestation of " + p))));
      build.emit(SolveEvent.newBuilder().setResult(result));
    }
  }

  @Override
  public synchronized void status(StatusRequest request, StreamObserver<SolveEvent> events) {
    FakeBuild build = builds.get(request.getBuildId());
    if (build == null) {
      events.onError(
          Status.NOT_FOUND
              .withDescription("no build " + request.getBuildId())
              .asRuntimeException());
      return;
    }
    build.events.forEach(events::onNext);
    if (build.state == BuildState.BUILD_STATE_RUNNING) {
      build.followers.add(events);
    } else {
      events.onCompleted();
    }
  }

  @Override
  public synchronized void cancel(CancelRequest request, StreamObserver<CancelResponse> response) {
    FakeBuild build = builds.get(request.getBuildId());
    boolean cancelled = build != null && build.state == BuildState.BUILD_STATE_RUNNING;
    if (cancelled) {
      build.state = BuildState.BUILD_STATE_CANCELLED;
      build.emit(
          SolveEvent.newBuilder()
              .setError(
                  BuildError.newBuilder()
                      .setKind(ErrorKind.ERROR_KIND_CANCELLED)
                      .setMessage("cancelled: " + request.getReason())));
    }
    response.onNext(CancelResponse.newBuilder().setCancelled(cancelled).build());
    response.onCompleted();
  }

  /**
   * The builder stops its running builds itself, as the real one does when its pod is deleted
   * ({@code BuilderServer.close()}): they end Cancelled although nobody asked for it.
   */
  public synchronized void shutDownBuilds() {
    builds.values().stream()
        .filter(b -> b.state == BuildState.BUILD_STATE_RUNNING)
        .forEach(
            b -> {
              b.state = BuildState.BUILD_STATE_CANCELLED;
              b.emit(
                  SolveEvent.newBuilder()
                      .setError(
                          BuildError.newBuilder()
                              .setKind(ErrorKind.ERROR_KIND_CANCELLED)
                              .setMessage("build cancelled: the builder is shutting down")));
            });
  }

  @Override
  public synchronized void listBuilds(
      ListBuildsRequest request, StreamObserver<ListBuildsResponse> response) {
    ListBuildsResponse.Builder list = ListBuildsResponse.newBuilder();
    builds
        .values()
        .forEach(
            b ->
                list.addBuilds(
                    BuildSummary.newBuilder()
                        .setBuildId(b.id)
                        .setState(b.state)
                        .setStepsTotal(STEPS)
                        .setStepsDone(b.done)
                        .setContextKey(b.contextKey)));
    response.onNext(list.build());
    response.onCompleted();
  }

  @Override
  public synchronized void info(InfoRequest request, StreamObserver<InfoResponse> response) {
    response.onNext(
        InfoResponse.newBuilder()
            .setVersion("fake")
            .setMaxParallelBuilds(maxParallelBuilds)
            .setActiveBuilds(active())
            .setDraining(draining)
            .setCacheBytes(4096L * builds.size())
            .addPlatforms("linux/amd64")
            .addPlatforms("linux/arm64")
            .addAllRecentContextKeys(recentContextKeys)
            .addAllRecentDockerfileDigests(recentDockerfileDigests)
            .build());
    response.onCompleted();
  }

  /** Builds that still run here. */
  public synchronized int active() {
    return (int)
        builds.values().stream().filter(b -> b.state == BuildState.BUILD_STATE_RUNNING).count();
  }

  public synchronized BuildState state(String buildId) {
    FakeBuild b = builds.get(buildId);
    return b == null ? null : b.state;
  }

  /** The pod dies: its server stops and every stream to it breaks. */
  @Override
  public void close() {
    clock.shutdownNow();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The digest the fake gives a platform's image: the sha256 of the platform's name. */
  public static String digestOf(String platform) {
    try {
      return "sha256:"
          + java.util.HexFormat.of()
              .formatHex(
                  java.security.MessageDigest.getInstance("SHA-256")
                      .digest(platform.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Timestamp now() {
    Instant n = Instant.now();
    return Timestamp.newBuilder().setSeconds(n.getEpochSecond()).setNanos(n.getNano()).build();
  }

  @Override
  public String toString() {
    return name + "@" + endpoint;
  }
}
