package dev.slipway.builder;

import dev.slipway.api.control.v1.BuildResult;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.CancelRequest;
import dev.slipway.api.control.v1.CancelResponse;
import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.control.v1.DiskUsageRequest;
import dev.slipway.api.control.v1.DiskUsageResponse;
import dev.slipway.api.control.v1.FrontendCall;
import dev.slipway.api.control.v1.HistoryLogsRequest;
import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.InfoRequest;
import dev.slipway.api.control.v1.InfoResponse;
import dev.slipway.api.control.v1.InspectHistoryRequest;
import dev.slipway.api.control.v1.ListBuildsRequest;
import dev.slipway.api.control.v1.ListBuildsResponse;
import dev.slipway.api.control.v1.ListHistoryRequest;
import dev.slipway.api.control.v1.ListHistoryResponse;
import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.api.control.v1.RemoveHistoryRequest;
import dev.slipway.api.control.v1.RemoveHistoryResponse;
import dev.slipway.api.control.v1.SolveEvent;
import dev.slipway.api.control.v1.SolveRequest;
import dev.slipway.api.control.v1.StatusRequest;
import dev.slipway.engine.Engine;
import dev.slipway.engine.history.BuildEnding;
import dev.slipway.engine.history.BuildNames;
import dev.slipway.engine.history.HistoryRecorder;
import dev.slipway.engine.history.StoredRecord;
import dev.slipway.engine.job.BuildFailedException;
import dev.slipway.session.BuildSession;
import dev.slipway.session.auth.Caller;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.builder.AttachedSession;
import dev.slipway.session.builder.CallerAuth;
import dev.slipway.session.builder.GrpcBuildSession;
import dev.slipway.session.builder.NoClientSession;
import dev.slipway.session.builder.SessionBusyException;
import dev.slipway.session.builder.SessionRegistry;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code Control}: runs builds on the engine and reports on them. A build is bound to the session
 * its request names; it is cancelled when the client that started it goes away or its session is
 * lost, so a vanished client never leaves a build holding a slot.
 */
final class ControlService extends ControlGrpc.ControlImplBase {
  private static final System.Logger LOG = System.getLogger(ControlService.class.getName());

  /** Info's base images stay a summary: the newest this many. */
  static final int MAX_BASE_IMAGES = 64;

  private final Engine engine;
  private final BuildSlots slots;
  private final SessionRegistry sessions;
  private final BuilderMetrics metrics;
  private final ExecutorService buildThreads;
  private final ScheduledExecutorService timer;
  private final String version;
  private final HistoryReplays replays;

  /**
   * How long Solve waits for the session it names: a CLI building through a cluster first sees the
   * operator's choice of pod, then opens a port-forward and attaches.
   */
  private final Duration sessionAttachWait;

  ControlService(
      Engine engine,
      BuildSlots slots,
      SessionRegistry sessions,
      BuilderMetrics metrics,
      ExecutorService buildThreads,
      ScheduledExecutorService timer,
      String version,
      Duration sessionAttachWait) {
    this.engine = engine;
    this.slots = slots;
    this.sessions = sessions;
    this.metrics = metrics;
    this.buildThreads = buildThreads;
    this.timer = timer;
    this.version = version;
    this.sessionAttachWait = sessionAttachWait;
    this.replays = new HistoryReplays(engine.history());
  }

  @Override
  public void solve(SolveRequest request, StreamObserver<SolveEvent> responses) {
    ServerCallStreamObserver<SolveEvent> call = (ServerCallStreamObserver<SolveEvent>) responses;
    Caller caller = caller();
    SolveRequest prepared;
    Optional<AttachedSession> client;
    try {
      mayRun(caller, request);
      notAnotherOwnersId(caller, request.getBuildId());
      if (slots.draining()) {
        // before waiting for a session: the operator should place the build elsewhere at once
        throw Status.UNAVAILABLE.withDescription(BuildSlots.DRAINING).asException();
      }
      prepared = ClientOutputs.prepare(request);
      client = session(caller, request);
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
      build = slots.start(prepared, caller.principal());
    } catch (StatusException e) {
      client.ifPresent(AttachedSession::release);
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
            .orElseGet(() -> new NoClientSession(caller.principal()));
    try {
      buildThreads.execute(() -> run(build, session, client));
    } catch (java.util.concurrent.RejectedExecutionException stopping) {
      // The builder is shutting down: end the build here, cancelled, so its slot and session are
      // released and its client is told, instead of leaving it "running" forever.
      build.cancellation().cancel("the builder is stopping");
      run(build, session, client);
    }
  }

  /** A Solve needs the BUILD scope, and a build-bound caller may run only its own build. */
  private static void mayRun(Caller caller, SolveRequest request) throws StatusException {
    if (!caller.allows(GrantScope.BUILD)) {
      throw Status.PERMISSION_DENIED
          .withDescription("starting a build needs a grant with the BUILD scope")
          .asException();
    }
    if (!caller.mayRun(request.getBuildId())) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "this grant is for build "
                  + caller.buildId().orElseThrow()
                  + ", not "
                  + request.getBuildId()
                  + "; ask for a grant for this build")
          .asException();
    }
  }

  /**
   * Build ids come from clients: one that names another caller's kept record is refused, or the new
   * build would replace that record (the slots know only builds still in memory).
   */
  private void notAnotherOwnersId(Caller caller, String id) throws StatusException {
    if (engine.history().read(id).filter(s -> !s.owner().equals(caller.principal())).isPresent()) {
      throw Status.ALREADY_EXISTS
          .withDescription("build " + id + " exists already; choose a new build_id")
          .asException();
    }
  }

  /** The session the request names, if it is one this caller attached and no build is using. */
  private Optional<AttachedSession> session(Caller caller, SolveRequest request)
      throws StatusException, InterruptedException {
    if (request.getSessionId().isEmpty()) {
      return Optional.empty();
    }
    Optional<AttachedSession> s;
    try {
      s = sessions.claim(caller, request.getSessionId(), sessionAttachWait);
    } catch (SessionBusyException e) {
      throw Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asException();
    }
    if (s.isEmpty()) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "session "
                  + request.getSessionId()
                  + " is not attached to this builder by this caller; open Session.Attach with"
                  + " that id, with the same credential, before Solve")
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
    // A frontend call (--call=check, ...) runs no step: it is answered, not kept.
    Optional<HistoryRecorder> recorder =
        request.getCall() == FrontendCall.FRONTEND_CALL_BUILD
            ? Optional.of(
                engine.history().recorder(request, build.owner(), BuildNames.of(request, "")))
            : Optional.empty();
    BuildEnding ending = BuildEnding.internal("the build ended without an outcome");
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
                recorder.ifPresent(r -> r.accept(e));
              },
              build.cancellation());
      ending = BuildEnding.succeeded(result);
    } catch (BuildFailedException e) {
      ending = BuildEnding.failed(e, build.cancellation());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "build " + build.id() + " failed inside the builder", e);
      ending =
          BuildEnding.internal(
              "the builder failed: " + e + "; see the builder's log for build " + build.id());
    } finally {
      if (deadline != null) {
        deadline.cancel(false);
      }
      closeQuietly(sessionWatch);
      if (session instanceof AutoCloseable c) {
        closeQuietly(c);
      }
      client.ifPresent(AttachedSession::release);
      SolveEvent end = ending.event(build.id());
      BuildState state = ending.state();
      Duration took = Duration.between(build.started(), Instant.now());
      // Counted before the last event goes out, so whoever sees the end also sees it counted.
      metrics.buildFinished(state, took);
      slots.finished(build);
      // Kept before the end goes out, so whoever sees the end finds the build in the history.
      BuildEnding ended = ending;
      recorder.ifPresent(r -> ended.record(r, end));
      build.finish(end, state);
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
    Optional<RunningBuild> build = visible(caller(), request.getBuildId());
    if (build.isEmpty()) {
      call.onError(notFound(request.getBuildId()));
      return;
    }
    call.setOnCancelHandler(() -> build.get().unwatch(call));
    build.get().watch(call);
  }

  @Override
  public void cancel(CancelRequest request, StreamObserver<CancelResponse> responses) {
    // Another caller's build is answered as an unknown one: not cancelled, nothing revealed.
    Optional<RunningBuild> build =
        visible(caller(), request.getBuildId()).filter(RunningBuild::isRunning);
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
    visible(caller()).forEach(b -> r.addBuilds(b.summary()));
    responses.onNext(r.build());
    responses.onCompleted();
  }

  @Override
  public void listHistory(
      ListHistoryRequest request, StreamObserver<ListHistoryResponse> responses) {
    Caller caller = caller();
    ListHistoryResponse.Builder r = ListHistoryResponse.newBuilder();
    engine.history().list().stream()
        .filter(s -> caller.mayWatch(s.owner(), s.buildId()))
        .limit(request.getLimit() > 0 ? request.getLimit() : Long.MAX_VALUE)
        .forEach(s -> r.addRecords(s.record().toBuilder().clearSteps()));
    responses.onNext(r.build());
    responses.onCompleted();
  }

  @Override
  public void inspectHistory(
      InspectHistoryRequest request, StreamObserver<HistoryRecord> responses) {
    Optional<StoredRecord> record = visibleRecord(caller(), request.getBuildId());
    if (record.isEmpty()) {
      responses.onError(notInHistory(request.getBuildId()));
      return;
    }
    responses.onNext(record.get().record());
    responses.onCompleted();
  }

  @Override
  public void historyLogs(HistoryLogsRequest request, StreamObserver<SolveEvent> responses) {
    Caller caller = caller();
    if (visibleRecord(caller, request.getBuildId()).isEmpty()) {
      responses.onError(notInHistory(request.getBuildId()));
      return;
    }
    replays.start(
        caller.principal(),
        request.getBuildId(),
        (ServerCallStreamObserver<SolveEvent>) responses,
        notInHistory(request.getBuildId()));
  }

  @Override
  public void removeHistory(
      RemoveHistoryRequest request, StreamObserver<RemoveHistoryResponse> responses) {
    Caller caller = caller();
    List<String> ids =
        request.getAll()
            ? engine.history().list().stream()
                .filter(s -> caller.mayWatch(s.owner(), s.buildId()))
                .map(StoredRecord::buildId)
                .toList()
            : request.getBuildIdsList().stream()
                .filter(id -> visibleRecord(caller, id).isPresent())
                .toList();
    RemoveHistoryResponse.Builder r = RemoveHistoryResponse.newBuilder();
    try {
      for (String id : ids) {
        if (engine.history().remove(id)) {
          r.addRemoved(id);
        }
      }
    } catch (IOException e) {
      responses.onError(
          Status.INTERNAL
              .withDescription("cannot remove from the build history: " + e.getMessage())
              .asException());
      return;
    }
    responses.onNext(r.build());
    responses.onCompleted();
  }

  /** The kept record of build {@code id} if this caller may see it; else as absent as unknown. */
  private Optional<StoredRecord> visibleRecord(Caller caller, String id) {
    return engine.history().read(id).filter(s -> caller.mayWatch(s.owner(), s.buildId()));
  }

  private static StatusException notInHistory(String id) {
    return Status.NOT_FOUND
        .withDescription(
            "no finished build "
                + id
                + " in this builder's history (ListHistory shows the kept ones)")
        .asException();
  }

  @Override
  public void diskUsage(DiskUsageRequest request, StreamObserver<DiskUsageResponse> responses) {
    if (!caller().allows(GrantScope.ADMIN)) {
      responses.onError(adminOnly("DiskUsage"));
      return;
    }
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
    if (!caller().allows(GrantScope.ADMIN)) {
      responses.onError(adminOnly("Prune"));
      return;
    }
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
    Caller caller = caller();
    InfoResponse.Builder info =
        InfoResponse.newBuilder()
            .setVersion(version)
            .setRuntime(engine.runtimeDescription().orElse("none (RUN steps cannot run)"))
            .setSnapshotter(engine.snapshotterName())
            .setMaxParallelBuilds(slots.maxParallel())
            .setActiveBuilds(slots.running())
            .setDraining(slots.draining())
            // its own platform first, then those it runs under QEMU user emulation
            .addPlatforms(dev.slipway.engine.content.Platform.host().toString())
            .addAllPlatforms(
                dev.slipway.engine.exec.Emulation.emulated().stream()
                    .map(Object::toString)
                    .toList())
            .addAllRecentContextKeys(recent(caller, b -> List.of(b.request().getContextKey())))
            .addAllRecentDockerfileDigests(recent(caller, b -> List.of(b.dockerfileDigest())))
            .addAllBaseImages(
                recent(caller, RunningBuild::baseImages).stream().limit(MAX_BASE_IMAGES).toList());
    try {
      info.setCacheBytes(engine.diskUsage().getTotalBytes());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read the cache size: {0}", e.getMessage());
    }
    responses.onNext(info.build());
    responses.onCompleted();
  }

  /**
   * What the builds this caller may see brought into the cache (context keys, Dockerfile digests,
   * base images), newest build first, each once: the operator places builds by it.
   */
  private List<String> recent(Caller caller, Function<RunningBuild, List<String>> held) {
    return visible(caller).stream()
        .sorted(Comparator.comparing(RunningBuild::started).reversed())
        .flatMap(b -> held.apply(b).stream())
        .filter(k -> !k.isEmpty())
        .distinct()
        .toList();
  }

  /** The caller the CallerAuth interceptor let in; every Control call goes through it. */
  private static Caller caller() {
    return CallerAuth.current()
        .orElseThrow(() -> new IllegalStateException("Control is served without CallerAuth"));
  }

  /** The build {@code id} if this caller may see it; another caller's is as absent as unknown. */
  private Optional<RunningBuild> visible(Caller caller, String id) {
    return slots.get(id).filter(b -> caller.mayWatch(b.owner(), b.id()));
  }

  private List<RunningBuild> visible(Caller caller) {
    return slots.all().stream().filter(b -> caller.mayWatch(b.owner(), b.id())).toList();
  }

  private static StatusException adminOnly(String call) {
    return Status.PERMISSION_DENIED
        .withDescription(
            call + " concerns every build's cache; it needs a grant with the ADMIN scope")
        .asException();
  }

  private static StatusException notFound(String id) {
    return Status.NOT_FOUND
        .withDescription("no build " + id + " on this builder (ListBuilds shows the known ones)")
        .asException();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "releasing a build's resources failed: {0}", e);
    }
  }
}
