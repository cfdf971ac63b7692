package dev.slipway.cli.remote;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The gRPC channels to builders named by {@code --builder}, kept across the commands of one process
 * (the warm daemon): a rebuild through the same builder reuses the HTTP/2 connection of the last
 * build instead of connecting and warming a new channel. A channel drops its connection itself
 * after {@link #IDLE} without calls (so an idle daemon holds no connection), and is forgotten after
 * {@link #FORGET} unused. One that failed to connect (the builder restarted, or was not up yet) is
 * replaced, so the next build connects afresh rather than waiting out a reconnect backoff.
 */
final class BuilderChannels {
  /** How long a channel keeps its connection without calls. */
  static final Duration IDLE = Duration.ofSeconds(60);

  private static final Duration FORGET = Duration.ofMinutes(10);

  static final BuilderChannels SHARED = new BuilderChannels();

  /**
   * What makes two channels interchangeable: the address and what the connection trusts (the CA
   * file's contents, not its name). The bearer token is per call, so it is not part of it.
   */
  record Key(String address, String trust) {}

  private static final class Pooled {
    final ManagedChannel channel;
    int users;
    long lastReleased = System.nanoTime();

    Pooled(ManagedChannel channel) {
      this.channel = channel;
    }
  }

  private final Map<Key, Pooled> channels = new HashMap<>();

  /** A channel for {@code key}, reused when one is kept, else from {@code open}. */
  synchronized Lease lease(Key key, Supplier<ManagedChannel> open) {
    forgetUnused();
    Pooled p = channels.get(key);
    if (p != null && p.users == 0 && broken(p.channel)) {
      p.channel.shutdownNow();
      channels.remove(key);
      p = null;
    }
    if (p == null) {
      p = new Pooled(open.get());
      channels.put(key, p);
    }
    p.users++;
    return new Lease(this, p);
  }

  private static boolean broken(ManagedChannel channel) {
    ConnectivityState state = channel.getState(false);
    return state == ConnectivityState.TRANSIENT_FAILURE || state == ConnectivityState.SHUTDOWN;
  }

  private void forgetUnused() {
    long now = System.nanoTime();
    for (Iterator<Pooled> it = channels.values().iterator(); it.hasNext(); ) {
      Pooled p = it.next();
      if (p.users == 0 && now - p.lastReleased > FORGET.toNanos()) {
        p.channel.shutdown();
        it.remove();
      }
    }
  }

  private synchronized void release(Pooled p) {
    p.users--;
    p.lastReleased = System.nanoTime();
  }

  /** One command's use of a kept channel; closing it leaves the channel to the next. */
  static final class Lease implements AutoCloseable {
    private final BuilderChannels owner;
    private final Pooled pooled;
    private boolean closed;

    private Lease(BuilderChannels owner, Pooled pooled) {
      this.owner = owner;
      this.pooled = pooled;
    }

    ManagedChannel channel() {
      return pooled.channel;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        owner.release(pooled);
      }
    }
  }
}
