package dev.slipway.session.builder;

import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.FileChunk;
import dev.slipway.api.session.v1.Hello;
import dev.slipway.api.session.v1.Ping;
import dev.slipway.api.session.v1.SshChannelClose;
import dev.slipway.api.session.v1.SshChannelOpen;
import dev.slipway.session.SessionException;
import dev.slipway.session.auth.Caller;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client attached over {@code Session.Attach}: the builder's end of the stream. Questions go
 * out with a fresh request id and their answers are routed back by it; ssh channels are routed by
 * channel number. When the stream ends, every waiting question fails and the builds bound to the
 * session are told, so nothing waits for a client that is gone.
 */
public final class AttachedSession {
  private final Hello hello;
  private final SessionKey key;
  private final java.util.concurrent.atomic.AtomicBoolean claimed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final OutboundStream out;
  private final Duration requestTimeout;
  private final SessionTraffic traffic;
  private final AtomicLong nextRequest = new AtomicLong(1);
  private final AtomicInteger nextChannel = new AtomicInteger(1);
  private final Map<Long, SessionRequest> pending = new ConcurrentHashMap<>();
  private final Map<Integer, SocketChannel> sshChannels = new ConcurrentHashMap<>();
  private final List<Runnable> lostListeners = new CopyOnWriteArrayList<>();
  private volatile String lostReason;
  private volatile long lastHeardNanos = System.nanoTime();

  AttachedSession(
      Caller owner,
      Hello hello,
      OutboundStream out,
      Duration requestTimeout,
      SessionTraffic traffic) {
    this.hello = hello;
    this.key = SessionKey.of(owner, hello.getSessionId());
    this.out = out;
    this.requestTimeout = requestTimeout;
    this.traffic = traffic;
  }

  public String id() {
    return hello.getSessionId();
  }

  public Hello hello() {
    return hello;
  }

  SessionKey key() {
    return key;
  }

  /** The principal that attached this session; its builds may use nothing of another's. */
  public String owner() {
    return key.principal();
  }

  /** Takes this session for one build; false when it serves another. */
  boolean tryClaim() {
    return claimed.compareAndSet(false, true);
  }

  /** Frees this session for the next build of its caller. */
  public void release() {
    claimed.set(false);
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  SessionTraffic traffic() {
    return traffic;
  }

  /** Sends a question; its answers arrive through the returned request. */
  SessionRequest ask(BuilderMessage.Builder question, String what) throws SessionException {
    SessionRequest request = new SessionRequest(this, nextRequest.getAndIncrement(), what);
    pending.put(request.id(), request);
    if (lostReason != null) {
      request.deliver(SessionRequest.SESSION_LOST);
    }
    try {
      send(question.setRequestId(request.id()).build());
    } catch (SessionException e) {
      request.close();
      throw e;
    }
    return request;
  }

  void forget(long requestId) {
    pending.remove(requestId);
  }

  /** Sends a message, waiting while the transport's buffer is full, within the timeout. */
  void send(BuilderMessage message) throws SessionException {
    boolean sent;
    try {
      sent = out.send(message, requestTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionException("interrupted while sending to the client", e);
    }
    if (!sent) {
      if (lostReason != null || out.isClosed()) {
        throw lostException("an answer");
      }
      throw new SessionException(
          "the client of session "
              + id()
              + " has not read from the builder for "
              + requestTimeout.toSeconds()
              + " s");
    }
  }

  void ping(long nonce) {
    try {
      send(BuilderMessage.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
    } catch (SessionException e) {
      // the stream is going away; the transport reports that through onError
    }
  }

  /** Nanoseconds (System.nanoTime) when the client last sent anything. */
  long lastHeardNanos() {
    return lastHeardNanos;
  }

  /** Routes one message from the client to whoever waits for it. */
  void received(ClientMessage m) {
    lastHeardNanos = System.nanoTime();
    traffic.received(m.getSerializedSize());
    switch (m.getBodyCase()) {
      case SSH_DATA -> {
        SocketChannel agentClient = sshChannels.get(m.getSshData().getChannel());
        if (agentClient != null) {
          try {
            ByteBuffer data = m.getSshData().getData().asReadOnlyByteBuffer();
            while (data.hasRemaining()) {
              agentClient.write(data);
            }
          } catch (IOException e) {
            closeSshChannel(m.getSshData().getChannel(), "the step closed its agent connection");
          }
        }
      }
      case SSH_CLOSE -> {
        SocketChannel agentClient = sshChannels.remove(m.getSshClose().getChannel());
        closeQuietly(agentClient);
      }
      case PONG, HELLO -> {
        // liveness only; a second Hello changes nothing
      }
      default -> {
        if (m.hasFile()) {
          traffic.fileBytes(m.getFile().getData().size());
        }
        for (FileChunk c : m.getFiles().getChunksList()) {
          traffic.fileBytes(c.getData().size());
        }
        SessionRequest request = pending.get(m.getRequestId());
        if (request != null) {
          request.deliver(m);
        }
      }
    }
  }

  /**
   * Opens an ssh channel to the client's agent {@code sshId} for a connection a step made to its
   * agent socket; returns the channel number.
   */
  int openSshChannel(String sshId, SocketChannel stepConnection) throws SessionException {
    int channel = nextChannel.getAndIncrement();
    sshChannels.put(channel, stepConnection);
    send(
        BuilderMessage.newBuilder()
            .setSshOpen(SshChannelOpen.newBuilder().setChannel(channel).setSshId(sshId))
            .build());
    return channel;
  }

  /** Closes a channel from the builder's side (the step hung up). */
  void closeSshChannel(int channel, String error) {
    SocketChannel c = sshChannels.remove(channel);
    if (c == null) {
      return;
    }
    closeQuietly(c);
    try {
      send(
          BuilderMessage.newBuilder()
              .setSshClose(SshChannelClose.newBuilder().setChannel(channel).setError(error))
              .build());
    } catch (SessionException e) {
      // the session is gone: the client closed its side already
    }
  }

  /** Runs {@code listener} once when the session ends (at once if it has ended). */
  public AutoCloseable onLost(Runnable listener) {
    lostListeners.add(listener);
    if (lostReason != null) {
      listener.run();
    }
    return () -> lostListeners.remove(listener);
  }

  public boolean isLost() {
    return lostReason != null;
  }

  public String lostReason() {
    return lostReason;
  }

  SessionException lostException(String what) {
    return new SessionException(
        "cannot get "
            + what
            + ": the client session "
            + id()
            + " was lost ("
            + lostReason
            + "); run the build again");
  }

  /** Ends the session: fails waiting questions, closes ssh channels, tells the bound builds. */
  void lost(String reason) {
    synchronized (this) {
      if (lostReason != null) {
        return;
      }
      lostReason = reason;
    }
    out.closed();
    pending.values().forEach(r -> r.deliver(SessionRequest.SESSION_LOST));
    sshChannels.values().forEach(AttachedSession::closeQuietly);
    sshChannels.clear();
    lostListeners.forEach(Runnable::run);
  }

  /** Ends a session whose client stopped answering, and closes its stream. */
  void drop(String reason) {
    out.fail(io.grpc.Status.UNAVAILABLE.withDescription("session " + id() + " dropped: " + reason));
    lost(reason);
  }

  private static void closeQuietly(SocketChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing a connection that is already broken
      }
    }
  }
}
