package dev.slipway.session.serving;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.ClientMessage;
import dev.slipway.api.session.v1.SshChannelClose;
import dev.slipway.api.session.v1.SshChannelData;
import dev.slipway.api.session.v1.SshChannelOpen;
import dev.slipway.session.BuildSession;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The ssh agent channels a builder opened through the session: each one a connection to a local
 * agent socket whose bytes are relayed both ways until either side hangs up.
 */
final class AgentChannels {
  private final Map<Integer, SocketChannel> channels = new ConcurrentHashMap<>();
  private final Consumer<ClientMessage> send;

  AgentChannels(Consumer<ClientMessage> send) {
    this.send = send;
  }

  /**
   * Connects a channel the builder opened to the agent {@code local} has for its ssh id; null (and
   * the builder told why) when there is none or it cannot be reached.
   */
  SocketChannel connect(SshChannelOpen open, BuildSession local) {
    try {
      Optional<Path> socket = local.sshAgentSocket(open.getSshId());
      if (socket.isEmpty()) {
        throw new SessionException("no ssh agent \"" + open.getSshId() + "\" here");
      }
      SocketChannel agent = SocketChannel.open(StandardProtocolFamily.UNIX);
      agent.connect(UnixDomainSocketAddress.of(socket.get()));
      channels.put(open.getChannel(), agent);
      return agent;
    } catch (SessionException | IOException e) {
      sendClose(
          open.getChannel(),
          "cannot reach ssh agent \"" + open.getSshId() + "\": " + e.getMessage());
      return null;
    }
  }

  /** Carries the agent's replies back to the builder until either side hangs up. */
  void pump(int channel, SocketChannel agent) {
    ByteBuffer buffer = ByteBuffer.allocate(32 * 1024);
    try {
      while (agent.read(buffer) >= 0) {
        buffer.flip();
        send.accept(
            ClientMessage.newBuilder()
                .setSshData(
                    SshChannelData.newBuilder()
                        .setChannel(channel)
                        .setData(ByteString.copyFrom(buffer)))
                .build());
        buffer.clear();
      }
      sendClose(channel, "");
    } catch (IOException e) {
      if (channels.containsKey(channel)) {
        sendClose(channel, "ssh agent connection failed: " + e.getMessage());
      }
    } finally {
      close(channel);
    }
  }

  /**
   * Writes the builder's bytes to the agent of their channel; a channel already gone drops them.
   */
  void toAgent(SshChannelData data) {
    SocketChannel agent = channels.get(data.getChannel());
    if (agent == null) {
      return;
    }
    try {
      ByteBuffer b = data.getData().asReadOnlyByteBuffer();
      while (b.hasRemaining()) {
        agent.write(b);
      }
    } catch (IOException e) {
      close(data.getChannel());
      sendClose(data.getChannel(), "ssh agent connection failed: " + e.getMessage());
    }
  }

  void close(int channel) {
    closeQuietly(channels.remove(channel));
  }

  void closeAll() {
    channels.keySet().forEach(this::close);
  }

  private void sendClose(int channel, String error) {
    send.accept(
        ClientMessage.newBuilder()
            .setSshClose(SshChannelClose.newBuilder().setChannel(channel).setError(error))
            .build());
  }

  private static void closeQuietly(SocketChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // already broken
      }
    }
  }
}
