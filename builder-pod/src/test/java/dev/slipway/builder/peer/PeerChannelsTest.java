package dev.slipway.builder.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.peer.v1.FetchRequest;
import dev.slipway.api.peer.v1.PeerCacheGrpc;
import dev.slipway.testing.TestCertificates;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints from the operator become channels only when they are HOST:PORT. */
class PeerChannelsTest {
  @TempDir Path dir;

  @Test
  void onlyHostAndPortBecomeAChannelAndOpenOnesAreBounded() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (PeerChannels channels = new PeerChannels(certs.ca(), "localhost")) {
      for (String bad :
          new String[] {"", "host", ":7777", "host:", "host:0", "host:70000", "a:b"}) {
        assertThatThrownBy(() -> channels.channel(bad))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("the endpoint is not HOST:PORT");
      }
      assertThat(channels.channel("[::1]:7777").authority()).isEqualTo("localhost");
      channels.channel("127.0.0.2:7777");
      for (int port = 1; port < PeerChannels.MAX_OPEN; port++) {
        channels.channel("127.0.0.3:" + port);
      }
      assertThat(channels.isOpen("127.0.0.2:7777")).isTrue();
      channels.channel("127.0.0.3:" + PeerChannels.MAX_OPEN);
      assertThat(channels.isOpen("127.0.0.2:7777"))
          .as("the least recently used channel was closed")
          .isFalse();
    }
    assertThatThrownBy(() -> new PeerChannels(certs.ca(), " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aChannelHeldWhileItsConnectionIsClosedStillCalls() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    try (PeerChannels channels = new PeerChannels(certs.ca(), "localhost");
        ServerSocket nobody = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = nobody.getLocalPort();
      nobody.close(); // nothing listens there: a call ends at once, refused
      Channel held = channels.channel("127.0.0.1:" + port);
      for (int p = 1; p <= PeerChannels.MAX_OPEN; p++) {
        channels.channel("127.0.0.3:" + p); // enough peers to close the held one's connection
      }
      assertThat(channels.isOpen("127.0.0.1:" + port)).isFalse();
      assertThatThrownBy(
              () ->
                  PeerCacheGrpc.newBlockingStub(held)
                      .withDeadlineAfter(10, TimeUnit.SECONDS)
                      .fetch(FetchRequest.newBuilder().setRuntimeKey("k").build())
                      .hasNext())
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e ->
                  assertThat(String.valueOf(e.getStatus().getDescription()))
                      .as("the call went out on a channel opened again, not the closed one")
                      .doesNotContainIgnoringCase("shutdown"));
      assertThat(channels.isOpen("127.0.0.1:" + port)).isTrue();
    }
  }
}
