package dev.slipway.builder;

import dev.slipway.api.control.v1.ControlGrpc;
import dev.slipway.api.peer.v1.PeerCacheGrpc;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.builder.peer.PeerCacheService;
import dev.slipway.engine.Engine;
import dev.slipway.session.auth.CallerSource;
import dev.slipway.session.auth.GrantScope;
import dev.slipway.session.builder.CallerAuth;
import dev.slipway.session.builder.SessionRegistry;
import dev.slipway.session.builder.SessionService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The builder's gRPC server around one engine: Control and Session (every call authenticated to a
 * caller, over TLS when configured), PeerCache for the other pods of its Builder (PEER grants
 * only), the standard health service (open, for probes), and the metrics endpoint.
 */
final class BuilderServer implements AutoCloseable {
  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();
  private final BuildSlots slots;
  private final ExecutorService buildThreads = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("builder-timer").unstarted(r));
  private final MetricsEndpoint metricsEndpoint;

  /**
   * @param listen the addresses to serve on, at least one, without duplicates
   */
  /**
   * @param callers who may call Control and Session, and as whom
   * @param tls the certificate chain and key to serve TLS with; plaintext when empty
   * @param sessionAttachWait how long a Solve waits for the session it names
   * @param cacheKeepBytes the size the cache collector keeps the cache to (0: no bound), reported
   *     beside the cache's size
   */
  record Settings(
      List<InetSocketAddress> listen,
      CallerSource callers,
      Optional<Tls> tls,
      int maxBuilds,
      Optional<InetSocketAddress> metricsListen,
      Duration sessionTimeout,
      Duration sessionAttachWait,
      String version,
      long cacheKeepBytes) {

    /** A builder whose cache has no size bound. */
    Settings(
        List<InetSocketAddress> listen,
        CallerSource callers,
        Optional<Tls> tls,
        int maxBuilds,
        Optional<InetSocketAddress> metricsListen,
        Duration sessionTimeout,
        Duration sessionAttachWait,
        String version) {
      this(
          listen,
          callers,
          tls,
          maxBuilds,
          metricsListen,
          sessionTimeout,
          sessionAttachWait,
          version,
          0);
    }
  }

  /** PEM files: the server's certificate chain and its PKCS#8 private key. */
  record Tls(Path certChain, Path privateKey) {}

  BuilderServer(Engine engine, Settings settings) throws IOException {
    slots = new BuildSlots(settings.maxBuilds());
    SessionRegistry sessions = new SessionRegistry();
    BuilderMetrics metrics = new BuilderMetrics(slots::running, sessions::active);
    metrics.cacheBytes(
        () -> {
          try {
            return engine.diskUsage().getTotalBytes();
          } catch (IOException e) {
            return Double.NaN;
          }
        });
    metrics.cacheKeepBytes(settings.cacheKeepBytes());
    ControlService control =
        new ControlService(
            engine,
            slots,
            sessions,
            metrics,
            buildThreads,
            timer,
            settings.version(),
            settings.sessionAttachWait());
    SessionService session =
        new SessionService(sessions, settings.sessionTimeout(), metrics, timer);
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(settings.listen().getFirst())
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(20, TimeUnit.SECONDS)
            .addService(health.getHealthService());
    settings.listen().stream().skip(1).forEach(b::addListenAddress);
    settings
        .tls()
        .ifPresent(t -> b.useTransportSecurity(t.certChain().toFile(), t.privateKey().toFile()));
    // Control and Session only through CallerAuth: both read the caller it puts in the context.
    CallerAuth auth = new CallerAuth(settings.callers());
    b.addService(ServerInterceptors.intercept(control.bindService(), auth));
    b.addService(ServerInterceptors.intercept(session.bindService(), auth));
    b.addService(
        ServerInterceptors.intercept(
            new PeerCacheService(engine::cachedLayer).bindService(),
            new CallerAuth(settings.callers(), java.util.EnumSet.of(GrantScope.PEER))));
    server = b.build().start();
    health.setStatus("", ServingStatus.SERVING);
    health.setStatus(ControlGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(SessionGrpc.SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(PeerCacheGrpc.SERVICE_NAME, ServingStatus.SERVING);
    metricsEndpoint =
        settings.metricsListen().isPresent()
            ? new MetricsEndpoint(
                settings.metricsListen().get(),
                metrics,
                // a draining pod is taken out of the Service, its builds go on
                () -> !server.isShutdown() && !slots.draining())
            : null;
  }

  /** The port of the first address (port 0 there: the one picked). */
  int port() {
    return server.getPort();
  }

  /** Every address served on, as HOST:PORT, comma-separated. */
  String addresses() {
    return server.getListenSockets().stream()
        .map(a -> (InetSocketAddress) a)
        .map(a -> a.getHostString() + ":" + a.getPort())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** The builds, for the drain: it stops new ones and waits for the running ones. */
  BuildSlots slots() {
    return slots;
  }

  Optional<InetSocketAddress> metricsAddress() {
    return Optional.ofNullable(metricsEndpoint).map(MetricsEndpoint::address);
  }

  /** What the streams get at least to deliver the last events once the builds have ended. */
  static final Duration STREAMS_GRACE = Duration.ofSeconds(2);

  void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops taking calls, cancels the builds still running and waits up to {@code buildsGrace} for
   * them to end (their threads kill their containers and release their snapshots) and for their
   * last events to reach their clients.
   */
  void close(Duration buildsGrace) throws InterruptedException {
    long deadline = System.nanoTime() + buildsGrace.toNanos();
    health.enterTerminalState();
    server.shutdown();
    slots.all().forEach(b -> b.cancellation().cancel("the builder is shutting down"));
    buildThreads.shutdown();
    if (!buildThreads.awaitTermination(buildsGrace.toMillis(), TimeUnit.MILLISECONDS)) {
      buildThreads.shutdownNow();
    }
    // A build's last event is queued to its Solve stream when its thread ends. After a drain the
    // builds have all ended, and a slow client may still be reading a result it must not lose (or
    // the operator runs the build again): the streams get what is left of the grace, 2 s at least.
    long left = Math.max(deadline - System.nanoTime(), STREAMS_GRACE.toNanos());
    server.awaitTermination(left, TimeUnit.NANOSECONDS);
    server.shutdownNow();
    timer.shutdownNow();
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    close(Duration.ofSeconds(20));
  }
}
