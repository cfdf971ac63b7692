package dev.slipway.builder;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator tells a host-network builder pod to listen on {@code $(POD_IP):port} and {@code
 * 127.0.0.1:port}; on a loopback cluster's node 2 the first is 127.0.0.2, and 127.0.0.1:port is
 * node 1's pod's.
 */
class ListenAddressesTest {

  private static InetSocketAddress at(String host, int port) {
    return new InetSocketAddress(host, port);
  }

  @Test
  void aPodOnAnotherLoopbackNodeLeavesTheFirstNodesAddressAlone() {
    assertThat(ListenAddresses.of(List.of(at("127.0.0.2", 17777), at("127.0.0.1", 17777))))
        .containsExactly(at("127.0.0.2", 17777));
  }

  @Test
  void aPodOnTheFirstNodeListensOnItsAddressOnce() {
    assertThat(ListenAddresses.of(List.of(at("127.0.0.1", 17777), at("127.0.0.1", 17777))))
        .containsExactly(at("127.0.0.1", 17777));
  }

  @Test
  void aPodWithARealAddressKeepsLoopbackForPortForwards() {
    assertThat(ListenAddresses.of(List.of(at("10.1.2.3", 17777), at("127.0.0.1", 17777))))
        .containsExactly(at("10.1.2.3", 17777), at("127.0.0.1", 17777));
  }

  @Test
  void anotherLoopbackAddressOnAnotherPortTakesNothingAway() {
    assertThat(ListenAddresses.of(List.of(at("127.0.0.2", 9000), at("127.0.0.1", 17777))))
        .containsExactly(at("127.0.0.2", 9000), at("127.0.0.1", 17777));
  }

  @Test
  void theWildcardAddressIsNoOtherNode() {
    assertThat(ListenAddresses.of(List.of(at("0.0.0.0", 17777), at("127.0.0.1", 17777))))
        .containsExactly(at("0.0.0.0", 17777), at("127.0.0.1", 17777));
  }
}
