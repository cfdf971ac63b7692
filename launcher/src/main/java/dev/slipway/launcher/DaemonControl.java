package dev.slipway.launcher;

import dev.slipway.launcher.Frames.Frame;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code slipway daemon status|stop} from a slipway JVM of its own (SLIPWAY_DAEMON=off): asks the
 * running daemon, never starts one.
 */
public final class DaemonControl {
  /** The command line that ends every daemon of the socket directory. */
  public static final List<String> STOP_ALL = List.of("daemon", "stop", "--all");

  private DaemonControl() {}

  /** Sends {@code args} to the daemon of {@code files} and relays its answer; its exit status. */
  public static int ask(
      DaemonFiles files, List<String> args, String cwd, OutputStream out, OutputStream err)
      throws IOException {
    SocketDirectory.checkSocketPath(files.socket());
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

  /**
   * {@code slipway daemon stop --all}: ends (SIGTERM, so each cancels its commands and closes its
   * engines) every daemon with a pid file in {@code dir}, of any CLI build or $PATH; how many.
   */
  public static int stopAll(Path dir, OutputStream out) throws IOException {
    List<ProcessHandle> daemons;
    try (Stream<Path> files = Files.list(dir)) {
      daemons =
          files
              .filter(f -> f.getFileName().toString().endsWith(".pid"))
              .flatMap(f -> daemon(f).stream())
              .toList();
    }
    daemons.forEach(ProcessHandle::destroy);
    for (ProcessHandle d : daemons) {
      try {
        d.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        d.destroyForcibly();
      }
    }
    out.write(
        ("stopped " + daemons.size() + " slipway daemon(s) in " + dir + "\n")
            .getBytes(StandardCharsets.UTF_8));
    return daemons.size();
  }

  private static Optional<ProcessHandle> daemon(Path pidFile) {
    try {
      return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
          // a stale pid file may name someone else's process by now
          .filter(
              p ->
                  p.info()
                      .arguments()
                      .map(a -> List.of(a).contains("dev.slipway.cli.daemon.CliDaemon"))
                      .orElse(false));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
