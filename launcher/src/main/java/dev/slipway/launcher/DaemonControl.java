package dev.slipway.launcher;

import dev.slipway.launcher.Frames.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code slipway daemon status|stop} from a slipway JVM of its own (SLIPWAY_DAEMON=off): asks the
 * running daemon, never starts one.
 */
public final class DaemonControl {
  private DaemonControl() {}

  /** Sends {@code args} to the daemon of {@code files} and relays its answer; its exit status. */
  public static int ask(
      DaemonFiles files, List<String> args, String cwd, OutputStream out, OutputStream err)
      throws IOException {
    SocketChannel channel = DaemonStarter.connect(files);
    if (channel == null) {
      out.write(
          ("no slipway daemon runs for this CLI (" + files.socket() + ")\n")
              .getBytes(StandardCharsets.UTF_8));
      return 0;
    }
    try (Frames frames = new Frames(channel)) {
      Hello hello =
          new Hello(
              Frames.PROTOCOL,
              files.identity(),
              args,
              cwd,
              Map.of(),
              new Hello.Terminals(false, false, false),
              0);
      frames.send(Frames.HELLO, hello.encode());
      Frame frame;
      while ((frame = frames.receive()) != null) {
        switch (frame.type()) {
          case Frames.STDOUT -> out.write(frame.payload());
          case Frames.STDERR -> err.write(frame.payload());
          case Frames.EXIT -> {
            return frame.exitStatus();
          }
          default -> {
            // nothing else is sent for a control command
          }
        }
      }
      throw new IOException("the daemon ended the connection without an answer");
    }
  }
}
