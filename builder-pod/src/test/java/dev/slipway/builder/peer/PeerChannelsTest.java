package dev.slipway.builder.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.testing.TestCertificates;
import java.nio.file.Path;
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
      assertThat(channels.channel("127.0.0.2:7777")).isSameAs(channels.channel("127.0.0.2:7777"));
      assertThat(channels.channel("[::1]:7777").authority()).isEqualTo("localhost");
      var first = channels.channel("127.0.0.2:7777");
      for (int port = 1; port <= PeerChannels.MAX_OPEN; port++) {
        channels.channel("127.0.0.3:" + port);
      }
      assertThat(channels.channel("127.0.0.2:7777"))
          .as("the least recently used channel was closed and is opened again")
          .isNotSameAs(first);
    }
    assertThatThrownBy(() -> new PeerChannels(certs.ca(), " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
