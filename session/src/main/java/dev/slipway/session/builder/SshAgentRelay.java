package dev.slipway.session.builder;

import com.google.protobuf.ByteString;
import dev.slipway.api.session.v1.BuilderMessage;
import dev.slipway.api.session.v1.SshChannelData;
import dev.slipway.session.SessionException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ssh-agent socket on the builder for one of the client's agents. Each connection a RUN step
 * makes to it becomes a channel over the session to the agent on the client's machine; the private
 * keys never leave the client.
 */
final class SshAgentRelay implements AutoCloseable {
  private static final int MAX_DATA = 32 * 1024;

  private final AttachedSession session;
  private final String sshId;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Thread acceptor;

  SshAgentRelay(AttachedSession session, String sshId, Path socket) throws IOException {
    this.session = session;
    this.sshId = sshId;
    this.socket = socket;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(
        socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    this.acceptor = Thread.ofPlatform().daemon().name("ssh-relay-" + sshId).start(this::accept);
  }

  Path socket() {
    return socket;
  }

  private void accept() {
    while (server.isOpen()) {
      SocketChannel step;
      try {
        step = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread.ofPlatform().daemon().name("ssh-channel-" + sshId).start(() -> pump(step));
    }
  }

  /** Carries what the step writes to its agent socket to the client's agent. */
  private void pump(SocketChannel step) {
    int channel;
    try {
      channel = session.openSshChannel(sshId, step);
    } catch (SessionException e) {
      closeQuietly(step);
      return;
    }
    ByteBuffer buffer = ByteBuffer.allocate(MAX_DATA);
    try {
      while (step.read(buffer) >= 0) {
        buffer.flip();
        session.send(
            BuilderMessage.newBuilder()
                .setSshData(
                    SshChannelData.newBuilder()
                        .setChannel(channel)
                        .setData(ByteString.copyFrom(buffer)))
                .build());
        buffer.clear();
      }
      session.closeSshChannel(channel, "");
    } catch (IOException | SessionException e) {
      session.closeSshChannel(channel, "relay failed: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    acceptor.interrupt();
    try {
      Files.deleteIfExists(socket);
    } catch (IOException ignored) {
      // the socket's directory is removed with the build session
    }
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing left to release
    }
  }
}
