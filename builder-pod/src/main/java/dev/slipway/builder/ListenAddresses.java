package dev.slipway.builder;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * The addresses the builder serves on, from its {@code --listen} flags. A pod in the host network
 * is told to listen on its pod IP and on 127.0.0.1, where port-forwards arrive. On a cluster whose
 * nodes are loopback addresses of one machine (e2e/cluster: node i is 127.0.0.i) a pod on node 2
 * has IP 127.0.0.2, and 127.0.0.1 on that port is node 1's pod's: binding it would fail, or take
 * node 1's traffic while that pod restarts. So 127.0.0.1:port is left out when another address on
 * the same port is a different loopback address; everywhere else it stays.
 */
final class ListenAddresses {

  private static final byte[] FIRST_NODE = {127, 0, 0, 1};

  private ListenAddresses() {}

  /** {@code requested} without repeats and without a 127.0.0.1 that belongs to another node. */
  static List<InetSocketAddress> of(List<InetSocketAddress> requested) {
    List<InetSocketAddress> distinct = requested.stream().distinct().toList();
    return distinct.stream().filter(a -> !belongsToAnotherNode(a, distinct)).toList();
  }

  private static boolean belongsToAnotherNode(InetSocketAddress a, List<InetSocketAddress> all) {
    return isFirstNode(a.getAddress())
        && all.stream()
            .anyMatch(
                b ->
                    b.getPort() == a.getPort()
                        && b.getAddress() instanceof Inet4Address v4
                        && v4.isLoopbackAddress()
                        && !isFirstNode(v4));
  }

  private static boolean isFirstNode(InetAddress address) {
    return address instanceof Inet4Address && Arrays.equals(address.getAddress(), FIRST_NODE);
  }
}
