package dev.slipway.cli.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BuilderChannelsTest {
  private final BuilderChannels channels = new BuilderChannels();
  private final List<ManagedChannel> opened = new ArrayList<>();

  @AfterEach
  void shutDown() {
    opened.forEach(ManagedChannel::shutdownNow);
  }

  private Supplier<ManagedChannel> to(int port) {
    return () -> {
      ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      opened.add(c);
      return c;
    };
  }

  @Test
  void aSecondCommandThroughTheSameBuilderGetsTheSameChannel() throws Exception {
    int port = closedPort();
    BuilderChannels.Key key = new BuilderChannels.Key("grpc://127.0.0.1:" + port, "plaintext");
    ManagedChannel first;
    try (BuilderChannels.Lease lease = channels.lease(key, to(port))) {
      first = lease.channel();
    }
    try (BuilderChannels.Lease lease = channels.lease(key, to(port))) {
      assertThat(lease.channel()).isSameAs(first);
    }
    try (BuilderChannels.Lease other =
        channels.lease(new BuilderChannels.Key(key.address(), "ca:other"), to(port))) {
      assertThat(other.channel()).isNotSameAs(first); // trusting another CA: its own channel
    }
    assertThat(opened).hasSize(2);
  }

  @Test
  void aChannelThatCouldNotConnectIsReplaced() throws Exception {
    int port = closedPort(); // a builder that is down (or restarting)
    BuilderChannels.Key key = new BuilderChannels.Key("grpc://127.0.0.1:" + port, "plaintext");
    ManagedChannel failed;
    try (BuilderChannels.Lease lease = channels.lease(key, to(port))) {
      failed = lease.channel();
      failed.getState(true);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (failed.getState(false) != ConnectivityState.TRANSIENT_FAILURE
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(failed.getState(false)).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
    }

    try (BuilderChannels.Lease lease = channels.lease(key, to(port))) {
      assertThat(lease.channel()).isNotSameAs(failed);
      assertThat(failed.isShutdown()).isTrue();
    }
  }

  /** A loopback port nothing listens on. */
  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
