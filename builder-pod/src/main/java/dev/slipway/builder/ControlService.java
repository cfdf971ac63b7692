package dev.slipway.builder;

import dev.slipway.api.control.v1.BuildError;
import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.CancelResponse;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DiskUsageRequest;
import dev.slipway.api.control.v1.DiskUsageResponse;
import dev.slipway.api.control.v1.ErrorKind;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.ListBuildsResponse;
import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import dev.slipway.session.builder.AttachedSession;
import dev.slipway.session.builder.GrpcBuildSession;
import dev.slipway.session.builder.NoClientSession;
import dev.slipway.session.builder.SessionRegistry;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code Control}: runs builds on the engine and reports on them. A build is bound to the session
 * its request names; it is cancelled when the client that started it goes away or its session is
 * lost, so a vanished client never leaves a build holding a slot.
 */
final class ControlService extends ControlGrpc.ControlImplBase {
  private static final System.Logger LOG = System.getLogger(ControlService.class.getName());

  /**
   * How long Solve waits for the session it names: a CLI building through a cluster first sees the
   * operator's choice of pod, then opens a port-forward and attaches.
   */
  private static final Duration SESSION_ATTACH_WAIT = Duration.ofSeconds(60);

  private final Engine engine;
  private final BuildSlots slots;
  private final SessionRegistry sessions;
  private final BuilderMetrics metrics;
  private final ExecutorService buildThreads;
  private final ScheduledExecutorService timer;
  private final String version;

  ControlService(
      Engine engine,
      BuildSlots slots,
      SessionRegistry sessions,
      BuilderMetrics metrics,
      ExecutorService buildThreads,
      ScheduledExecutorService timer,
      String version) {
    this.engine = engine;
    this.slots = slots;
    this.sessions = sessions;
    this.metrics = metrics;
    this.buildThreads = buildThreads;
    this.timer = timer;
    this.version = version;
  }

  @Override
  public void solve(SolveRequest request, StreamObserver<SolveEvent> responses) {
    ServerCallStreamObserver<SolveEvent> call = (ServerCallStreamObserver<SolveEvent>) responses;
    SolveRequest prepared;
    Optional<AttachedSession> client;
    try {
      prepared = ClientOutputs.prepare(request);
      client = session(request);
    } catch (StatusException e) {
      call.onError(e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.onError(Status.CANCELLED.withDescription("the builder is stopping").asException());
      return;
    }
    RunningBuild build;
    try {
      build = slots.start(prepared);
    } catch (StatusException e) {
      call.onError(e);
      return;
    }
    call.setOnCancelHandler(
        () -> {
          build.unwatch(call);
          if (!prepared.getDetached()) {
            build.cancellation().cancel("the client that started the build disconnected");
          }
        });
    build.watch(call);
    BuildSession session =
        client
            .<BuildSession>map(c -> new GrpcBuildSession(c, prepared))
            .orElseGet(NoClientSession::new);
    buildThreads.execute(() -> run(build, session, client));
  }

  private Optional<AttachedSession> session(SolveRequest request)
      throws StatusException, InterruptedException {
    if (request.getSessionId().isEmpty()) {
      return Optional.empty();
    }
    Optional<AttachedSession> s = sessions.await(request.getSessionId(), SESSION_ATTACH_WAIT);
    if (s.isEmpty()) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "session "
                  + request.getSessionId()
                  + " is not attached to this builder; open Session.Attach with that id before"
                  + " Solve")
          .asException();
    }
    return s;
  }

  private void run(RunningBuild build, BuildSession session, Optional<AttachedSession> client) {
    SolveRequest request = build.request();
    AutoCloseable sessionWatch =
        client
            .map(
                c ->
                    c.onLost(
                        () ->
                            build
                                .cancellation()
                                .cancel(
                                    "its client session "
                                        + c.id()
                                        + " was lost ("
                                        + c.lostReason()
                                        + ")")))
            .orElse(() -> {});
    ScheduledFuture<?> deadline = deadline(build);
    BuildState state = BuildState.BUILD_STATE_FAILED;
    SolveEvent.Builder last = SolveEvent.newBuilder().setBuildId(build.id());
    // One line per build at each end: operators follow builds across pods by these.
    LOG.log(System.Logger.Level.INFO, "build {0} started", build.id());
    try {
      BuildResult result =
          engine.solve(
              request,
              session,
              e -> {
                metrics.observe(e);
                build.publish(e);
              },
              build.cancellation());
      state = BuildState.BUILD_STATE_SUCCEEDED;
      last.setResult(result);
    } catch (BuildFailedException e) {
      BuildError error = e.error();
      if (build.cancellation().isCancelled()) {
        state = BuildState.BUILD_STATE_CANCELLED;
        if (error.getKind() != ErrorKind.ERROR_KIND_CANCELLED) {
          error =
              error.toBuilder()
                  .setKind(ErrorKind.ERROR_KIND_CANCELLED)
                  .setMessage("build cancelled: " + build.cancellation().reason())
                  .build();
        }
      }
      last.setError(error);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "build " + build.id() + " failed inside the builder", e);
      last.setError(
          BuildError.newBuilder()
              .setKind(ErrorKind.ERROR_KIND_INTERNAL)
              .setMessage(
                  "the builder failed: " + e + "; see the builder's log for build " + build.id()));
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
      closeQuietly(sessionWatch);
      if (session instanceof AutoCloseable c) {
        closeQuietly(c);
      }
      last.setTime(now());
      slots.finished(build);
      build.finish(last.build(), state);
      Duration took = Duration.between(build.started(), Instant.now());
      metrics.buildFinished(state, took);
      LOG.log(
          System.Logger.Level.INFO,
          "build {0} ended: {1} after {2} ms",
          build.id(),
          state.name().replace("BUILD_STATE_", "").toLowerCase(java.util.Locale.ROOT),
          String.valueOf(took.toMillis()));
    }
  }

  private ScheduledFuture<?> deadline(RunningBuild build) {
    com.google.protobuf.Duration t = build.request().getTimeout();
    if (t.getSeconds() == 0 && t.getNanos() == 0) {
      return null;
    }
    Duration limit = Duration.ofSeconds(t.getSeconds(), t.getNanos());
    return timer.schedule(
        () ->
            build
                .cancellation()
                .cancel("it ran longer than its timeout of " + limit.toSeconds() + " s"),
        limit.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public void status(StatusRequest request, StreamObserver<SolveEvent> responses) {
    ServerCallStreamObserver<SolveEvent> call = (ServerCallStreamObserver<SolveEvent>) responses;
    Optional<RunningBuild> build = slots.get(request.getBuildId());
    if (build.isEmpty()) {
      call.onError(notFound(request.getBuildId()));
      return;
    }
    call.setOnCancelHandler(() -> build.get().unwatch(call));
    build.get().watch(call);
  }

  @Override
  public void cancel(CancelRequest request, StreamObserver<CancelResponse> responses) {
    Optional<RunningBuild> build = slots.get(request.getBuildId()).filter(RunningBuild::isRunning);
    build.ifPresent(
        b ->
            b.cancellation()
                .cancel(
                    request.getReason().isEmpty() ? "cancelled by a client" : request.getReason()));
    responses.onNext(CancelResponse.newBuilder().setCancelled(build.isPresent()).build());
    responses.onCompleted();
  }

  @Override
  public void listBuilds(ListBuildsRequest request, StreamObserver<ListBuildsResponse> responses) {
    ListBuildsResponse.Builder r = ListBuildsResponse.newBuilder();
    slots.all().forEach(b -> r.addBuilds(b.summary()));
    responses.onNext(r.build());
    responses.onCompleted();
  }

  @Override
  public void diskUsage(DiskUsageRequest request, StreamObserver<DiskUsageResponse> responses) {
    if (request.getFiltersCount() > 0) {
      responses.onError(
          Status.UNIMPLEMENTED
              .withDescription("disk usage filters are not supported yet; ask without filters")
              .asException());
      return;
    }
    try {
      responses.onNext(engine.diskUsage());
      responses.onCompleted();
    } catch (IOException e) {
      responses.onError(
          Status.INTERNAL
              .withDescription("cannot read the cache's disk usage: " + e.getMessage())
              .asException());
    }
  }

  @Override
  public void prune(PruneRequest request, StreamObserver<PruneResponse> responses) {
    try {
      responses.onNext(engine.prune(request));
      responses.onCompleted();
    } catch (IllegalArgumentException e) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asException());
    } catch (IOException e) {
      responses.onError(
          Status.INTERNAL
              .withDescription("pruning the cache failed: " + e.getMessage())
              .asException());
    }
  }

  @Override
  public void info(InfoRequest request, StreamObserver<InfoResponse> responses) {
    InfoResponse.Builder info =
        InfoResponse.newBuilder()
            .setVersion(version)
            .setRuntime(engine.runtimeDescription().orElse("none (RUN steps cannot run)"))
            .setSnapshotter(engine.snapshotterName())
            .setMaxParallelBuilds(slots.maxParallel())
            .setActiveBuilds(slots.running())
            .addPlatforms(dev.slipway.engine.content.Platform.host().toString())
            .addAllRecentContextKeys(recentContextKeys());
    try {
      info.setCacheBytes(engine.diskUsage().getTotalBytes());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read the cache size: {0}", e.getMessage());
    }
    responses.onNext(info.build());
    responses.onCompleted();
  }

  /** The context keys of the builds this builder knows, newest first, each once. */
  private List<String> recentContextKeys() {
    return slots.all().stream()
        .sorted(java.util.Comparator.comparing(RunningBuild::started).reversed())
        .map(b -> b.request().getContextKey())
        .filter(k -> !k.isEmpty())
        .distinct()
        .toList();
  }

  private static StatusException notFound(String id) {
    return Status.NOT_FOUND
        .withDescription("no build " + id + " on this builder (ListBuilds shows the known ones)")
        .asException();
  }

  private static com.google.protobuf.Timestamp now() {
    Instant i = Instant.now();
    return com.google.protobuf.Timestamp.newBuilder()
        .setSeconds(i.getEpochSecond())
        .setNanos(i.getNano())
        .build();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "releasing a build's resources failed: {0}", e);
    }
  }
}
