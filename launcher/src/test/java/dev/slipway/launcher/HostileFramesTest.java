package dev.slipway.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer that sends broken frames is refused with a clear error, before anything is allocated. */
class HostileFramesTest {

  @TempDir Path dir;
  private int sockets;

  /** Frames reading {@code bytes} over a unix socket from a peer that then closes its end. */
  private Frames reading(byte[] bytes) throws IOException {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve(++sockets + ".sock"));
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(address);
      try (SocketChannel peer = SocketChannel.open(address)) {
        SocketChannel ours = server.accept();
        peer.write(ByteBuffer.wrap(bytes));
        return new Frames(ours);
      }
    }
  }

  @Test
  void aLengthBeyondTheBoundIsRefusedWithoutAllocatingIt() throws Exception {
    byte[] header = ByteBuffer.allocate(5).put((byte) 1).putInt(Integer.MAX_VALUE).array();
    assertThatThrownBy(() -> reading(header).receive())
        .isInstanceOf(IOException.class)
        .hasMessageContaining("beyond the protocol's bound");
  }

  @Test
  void aNegativeLengthIsRefused() throws Exception {
    byte[] header = ByteBuffer.allocate(5).put((byte) 1).putInt(-1).array();
    assertThatThrownBy(() -> reading(header).receive())
        .hasMessageContaining("beyond the protocol's bound");
  }

  @Test
  void aConnectionEndingInsideAFrameIsAnErrorNotAnEmptyFrame() throws Exception {
    byte[] cut = ByteBuffer.allocate(7).put((byte) 1).putInt(10).put((byte) 'a').array();
    assertThatThrownBy(() -> reading(cut).receive())
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("inside a frame");
    assertThatThrownBy(() -> reading(new byte[] {1, 0}).receive()).isInstanceOf(EOFException.class);
  }

  @Test
  void aConnectionClosedBetweenFramesEndsTheConversation() throws Exception {
    assertThat(reading(new byte[0]).receive()).isNull();
  }
}
