package dev.slipway.cli.daemon;

import dev.slipway.cli.SlipwayCommand;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.launcher.Frames;
import dev.slipway.launcher.Frames.Frame;
import dev.slipway.launcher.Hello;
import dev.slipway.launcher.ServedCommands;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * One client of the daemon: reads its HELLO, runs its command as an {@link Invocation} with the
 * client's directory, environment and streams, and answers with its exit status. CANCEL from the
 * client, or the client going away, cancels the command's build.
 */
final class DaemonConnection implements Runnable {
  private final CliDaemon daemon;
  private final SocketChannel channel;
  private final Frames frames;
  private final CancelHooks cancels = new CancelHooks();

  DaemonConnection(CliDaemon daemon, SocketChannel channel) {
    this.daemon = daemon;
    this.channel = channel;
    this.frames = new Frames(channel);
  }

  void cancel() {
    cancels.cancel();
  }

  @Override
  public void run() {
    boolean stopAfter = false;
    try (frames) {
      if (!sameUser()) {
        return; // the socket's directory keeps others out; this is the second lock
      }
      Frame first = frames.receive();
      if (first == null || first.type() != Frames.HELLO) {
        return;
      }
      Hello hello = Hello.decode(first.payload());
      // From here the command may run: the launcher must not send it again on a broken connection.
      frames.send(Frames.ACCEPTED, new byte[0]);
      if (hello.protocol() != Frames.PROTOCOL
          || !hello.identity().equals(daemon.files().identity())) {
        error(
            "slipway: this daemon ("
                + daemon.files().identity()
                + ", protocol "
                + Frames.PROTOCOL
                + ") is not the one the launcher asked for ("
                + hello.identity()
                + ", protocol "
                + hello.protocol()
                + "); `slipway daemon stop` ends it");
        frames.sendExit(1);
        return;
      }
      List<String> args = hello.args();
      if (args.equals(List.of("daemon", "status")) || args.equals(List.of("daemon", "stop"))) {
        stopAfter = control(args.get(1));
        return;
      }
      if (!ServedCommands.served(args) && !ServedCommands.daemonControl(args)) {
        frames.send(Frames.RUN_IN_OWN_PROCESS, new byte[0]);
        return;
      }
      run(hello);
    } catch (IOException e) {
      // the client went away; its command was cancelled by the reader
    } finally {
      cancels.cancel(); // ends what a lost client's command left running
      daemon.finished(this);
      if (stopAfter) {
        daemon.stop();
      }
    }
  }

  private void run(Hello hello) throws IOException {
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FrameOutput(frames, Frames.STDOUT), Frames.CHUNK),
            false,
            StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(
            new BufferedOutputStream(new FrameOutput(frames, Frames.STDERR), 8192),
            true,
            StandardCharsets.UTF_8);
    RelayedStdin stdin = new RelayedStdin(frames);
    Invocation invocation =
        new Invocation(
            Path.of(hello.cwd()),
            pathsResolved(hello),
            out,
            err,
            stdin,
            stderrIsTerminal(hello),
            hello.columns(),
            daemon.engines(),
            cancels,
            true,
            new AtomicBoolean());
    Thread reader = Thread.ofVirtual().name("client-reader").start(() -> read(stdin));
    int status = SlipwayCommand.execute(invocation, hello.args().toArray(String[]::new));
    out.flush();
    err.flush();
    if (invocation.ownProcessWanted()) {
      frames.send(Frames.RUN_IN_OWN_PROCESS, new byte[0]);
    } else {
      frames.sendExit(status);
    }
    reader.interrupt();
  }

  /**
   * The client's environment with its relative config directories made absolute against its own
   * directory: read in the daemon they would name the daemon's.
   */
  private static Map<String, String> pathsResolved(Hello hello) {
    Map<String, String> env = new HashMap<>(hello.environment());
    for (String name : List.of("DOCKER_CONFIG", "XDG_CONFIG_HOME")) {
      String value = env.get(name);
      if (value != null && !value.isBlank() && !Path.of(value).isAbsolute()) {
        env.put(name, Path.of(hello.cwd()).resolve(value).normalize().toString());
      }
    }
    return env;
  }

  /** SLIPWAY_TTY=1 or 0 when the user set it, else whether the launcher's stderr is a terminal. */
  private static boolean stderrIsTerminal(Hello hello) {
    String forced = hello.environment().get("SLIPWAY_TTY");
    return forced == null || forced.isEmpty() ? hello.terminals().stderr() : forced.equals("1");
  }

  /** Relays what the client sends while its command runs: standard input and CANCEL. */
  private void read(RelayedStdin stdin) {
    try {
      Frame frame;
      while ((frame = frames.receive()) != null) {
        switch (frame.type()) {
          case Frames.STDIN -> stdin.offer(frame.payload());
          case Frames.CANCEL -> {
            stdin.end(); // a prompt waiting for an answer ends at once
            cancels.cancel();
          }
          default -> throw new IOException("unexpected frame " + frame.type() + " from a client");
        }
      }
    } catch (IOException e) {
      // the connection broke or was closed after the command
    }
    stdin.end();
    cancels.cancel();
  }

  /** {@code slipway daemon status|stop}; true when the daemon should stop after answering. */
  private boolean control(String what) throws IOException {
    boolean stop = what.equals("stop");
    String text =
        stop
            ? "stopping the slipway daemon (pid " + ProcessHandle.current().pid() + ")\n"
            : daemon.status();
    frames.send(Frames.STDOUT, text.getBytes(StandardCharsets.UTF_8));
    frames.sendExit(0);
    return stop;
  }

  private void error(String line) throws IOException {
    frames.send(Frames.STDERR, (line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private boolean sameUser() {
    try {
      UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      // The JDK's unix user principals are equal when their numeric uids are (two users may share
      // a name in /etc/passwd); names alone would not do.
      return peer.user().equals(Files.getOwner(Path.of("/proc/self")));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
