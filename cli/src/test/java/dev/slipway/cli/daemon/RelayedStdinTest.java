package dev.slipway.cli.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.launcher.Frames;
import dev.slipway.launcher.Frames.Frame;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's side of standard input over a real unix socket: it grants the launcher one chunk at
 * a time and refuses input beyond what it granted, so {@code yes | slipway prune} cannot grow its
 * heap.
 */
class RelayedStdinTest {
  @TempDir Path tmp;

  @Test
  void grantsOneChunkAtATimeAndRefusesMoreThanGranted() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(tmp.resolve("s")));
      try (Frames launcher = new Frames(SocketChannel.open(server.getLocalAddress()));
          Frames daemon = new Frames(server.accept())) {
        RelayedStdin stdin = new RelayedStdin(daemon);
        assertThatThrownBy(() -> stdin.offer(new byte[1]))
            .as("input nobody asked for")
            .isInstanceOf(IOException.class)
            .hasMessageContaining("more standard input than the daemon asked for");

        Thread reader = Thread.ofVirtual().start(() -> readQuietly(stdin));
        Frame ask = launcher.receive();
        assertThat(ask.type()).isEqualTo(Frames.READ_STDIN);
        assertThat(ask.number()).isEqualTo(Frames.CHUNK);
        stdin.offer(new byte[Frames.CHUNK - 1]);
        assertThatThrownBy(() -> stdin.offer(new byte[2]))
            .as("beyond the grant")
            .isInstanceOf(IOException.class);
        reader.join();
      }
    }
  }

  @Test
  void aCancelEndsAReadThatWaitsForInput() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(tmp.resolve("s")));
      try (Frames launcher = new Frames(SocketChannel.open(server.getLocalAddress()));
          Frames daemon = new Frames(server.accept())) {
        RelayedStdin stdin = new RelayedStdin(daemon);
        int[] read = {0};
        Thread reader =
            Thread.ofVirtual()
                .start(
                    () -> {
                      try {
                        read[0] = stdin.read();
                      } catch (IOException e) {
                        read[0] = -2;
                      }
                    });
        assertThat(launcher.receive().type()).isEqualTo(Frames.READ_STDIN);
        stdin.end();
        reader.join(5_000);
        assertThat(reader.isAlive()).isFalse();
        assertThat(read[0]).isEqualTo(-1);
      }
    }
  }

  private static void readQuietly(RelayedStdin stdin) {
    try {
      stdin.read(new byte[Frames.CHUNK]);
    } catch (IOException e) {
      // the test ends the connection
    }
  }
}
