package dev.slipway.session.builder;

import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.SessionGrpc;
import dev.slipway.session.auth.Caller;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code Session.Attach}: a client opens a stream and says Hello; from then on the builder asks
 * over it. The builder pings idle sessions and drops one whose client stops answering, which fails
 * the builds bound to it instead of leaving them waiting.
 */
public final class SessionService extends SessionGrpc.SessionImplBase {
  private static final System.Logger LOG = System.getLogger(SessionService.class.getName());

  private final SessionRegistry registry;
  private final Duration requestTimeout;
  private final SessionTraffic traffic;
  private final ScheduledExecutorService timer;

  public SessionService(
      SessionRegistry registry,
      Duration requestTimeout,
      SessionTraffic traffic,
      ScheduledExecutorService timer) {
    this.registry = registry;
    this.requestTimeout = requestTimeout;
    this.traffic = traffic;
    this.timer = timer;
  }

  @Override
  public StreamObserver<ClientMessage> attach(StreamObserver<BuilderMessage> responses) {
    OutboundStream out = new OutboundStream((ServerCallStreamObserver<BuilderMessage>) responses);
    // The session belongs to whoever opened the stream; no Hello can name another owner.
    Optional<Caller> owner = CallerAuth.current();
    if (owner.isEmpty()) {
      out.fail(
          Status.UNAUTHENTICATED.withDescription(
              "the builder did not authenticate this session; it serves sessions only behind its"
                  + " CallerAuth"));
      return new StreamObserver<>() {
        @Override
        public void onNext(ClientMessage m) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      };
    }
    return new StreamObserver<>() {
      private AttachedSession session;
      private ScheduledFuture<?> liveness;

      @Override
      public void onNext(ClientMessage m) {
        if (session != null) {
          session.received(m);
          return;
        }
        if (!m.hasHello() || m.getHello().getSessionId().isBlank()) {
          out.fail(
              Status.INVALID_ARGUMENT.withDescription(
                  "a session starts with a Hello that names its session_id"));
          return;
        }
        AttachedSession s =
            new AttachedSession(owner.get(), m.getHello(), out, requestTimeout, traffic);
        if (!registry.attach(s)) {
          out.fail(
              Status.ALREADY_EXISTS.withDescription(
                  "session " + s.id() + " is already attached; a client must choose a new id"));
          return;
        }
        session = s;
        liveness = watchLiveness(s);
        LOG.log(
            System.Logger.Level.INFO,
            "session {0} attached ({1})",
            s.id(),
            m.getHello().getClientVersion());
      }

      @Override
      public void onError(Throwable t) {
        end("its connection broke: " + Status.fromThrowable(t).getCode());
      }

      @Override
      public void onCompleted() {
        out.complete();
        end("the client closed it");
      }

      private void end(String reason) {
        out.closed();
        if (session != null) {
          liveness.cancel(false);
          registry.detach(session);
          session.lost(reason);
          LOG.log(System.Logger.Level.INFO, "session {0} ended: {1}", session.id(), reason);
        }
      }
    };
  }

  /** Pings every third of the timeout; a client silent for a whole timeout is dropped. */
  private ScheduledFuture<?> watchLiveness(AttachedSession s) {
    long period = Math.max(1, requestTimeout.toMillis() / 3);
    return timer.scheduleAtFixedRate(
        () -> {
          if (System.nanoTime() - s.lastHeardNanos() > requestTimeout.toNanos()) {
            registry.detach(s);
            s.drop("the client did not answer pings for " + requestTimeout.toSeconds() + " s");
          } else {
            s.ping(System.nanoTime());
          }
        },
        period,
        period,
        TimeUnit.MILLISECONDS);
  }
}
