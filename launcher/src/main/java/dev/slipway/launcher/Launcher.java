package dev.slipway.launcher;

import dev.slipway.launcher.Frames.Frame;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The thin {@code slipway} client that bin/slipway runs: hands the command line, the working
 * directory and the environment to the warm daemon of this CLI build (starting it on first use),
 * relays its output, and exits with its status. Ctrl-C sends CANCEL and waits a few seconds for the
 * daemon to end the command, so the cancellation message still prints. Loads java.base only.
 */
public final class Launcher {
  private static final int RUN_IN_OWN_PROCESS = -2;

  private static final long CANCEL_PATIENCE_SECONDS = 5;
  private static final int RETRY = -1;

  private final FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
  private final FileOutputStream stderr = new FileOutputStream(FileDescriptor.err);
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicBoolean cancelling = new AtomicBoolean();
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile Frames frames;
  private volatile Process ownProcess;
  private final long[] stdinGrant = new long[1]; // bytes of stdin the daemon asked for, not sent
  private Thread stdinPump;

  public static void main(String[] args) {
    Launcher launcher = new Launcher();
    int status;
    try {
      status = launcher.run(args);
      if (status == RUN_IN_OWN_PROCESS) {
        status = launcher.runInOwnProcess(args);
      }
    } catch (IOException e) {
      launcher.error("slipway: " + e.getMessage());
      status = e instanceof SocketDirectory.UnsafeDirectoryException ? 2 : 1;
    }
    if (launcher.cancelling.get()) {
      // The shutdown hook is waiting for this: the JVM then exits as interrupted (130).
      launcher.ended.countDown();
      return;
    }
    Runtime.getRuntime().halt(status);
  }

  private int run(String[] args) throws IOException {
    List<String> line = Arrays.asList(args);
    if (!ServedCommands.served(line) && !ServedCommands.daemonControl(line)) {
      return RUN_IN_OWN_PROCESS; // before a daemon is started for nothing
    }
    Map<String, String> env = System.getenv();
    String jar = System.getProperty("slipway.cli.jar");
    if (jar == null) {
      throw new IOException("-Dslipway.cli.jar=PATH is missing; run slipway through bin/slipway");
    }
    Path cliJar = Path.of(jar);
    if (line.equals(DaemonControl.STOP_ALL)) {
      DaemonControl.stopAll(SocketDirectory.prepare(SocketDirectory.locate(env)), stdout);
      return 0;
    }
    DaemonFiles files =
        new DaemonFiles(
            SocketDirectory.prepare(SocketDirectory.locate(env)),
            DaemonIdentity.of(cliJar, env.get("PATH")));
    SocketDirectory.checkSocketPath(files.socket());
    Hello hello =
        new Hello(
            Frames.PROTOCOL,
            files.identity(),
            line,
            System.getProperty("user.dir"),
            env,
            terminals(),
            columns(env));
    boolean control = ServedCommands.daemonControl(line);
    Runtime.getRuntime().addShutdownHook(new Thread(this::cancel, "slipway-cancel"));
    for (int attempt = 0; ; attempt++) {
      SocketChannel channel =
          control ? DaemonStarter.connect(files) : DaemonStarter.connectOrStart(files, cliJar, env);
      if (channel == null) {
        print(stdout, "no slipway daemon runs for this CLI (" + files.socket() + ")\n");
        return 0;
      }
      int status = converse(new Frames(channel), hello);
      // A daemon that was idling out closed the connection before accepting it: ask again.
      if (status != RETRY || attempt > 0) {
        return status == RETRY ? 1 : status;
      }
    }
  }

  /**
   * Runs a command the daemon does not serve (a cluster build) the way bin/slipway runs it with
   * SLIPWAY_DAEMON=off, as a child that gets SIGTERM if this launcher dies (setpriv --pdeathsig),
   * so killing the launcher still ends the command.
   */
  private int runInOwnProcess(String[] args) throws IOException {
    String script = System.getProperty("slipway.script");
    if (script == null) {
      throw new IOException("-Dslipway.script=PATH is missing; run slipway through bin/slipway");
    }
    List<String> command = new java.util.ArrayList<>();
    if (onPath("setpriv")) {
      command.addAll(List.of("setpriv", "--pdeathsig", "TERM"));
    } // else a plain child: Ctrl-C and this launcher's SIGTERM hook still end it
    command.add(script);
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    pb.environment().put("SLIPWAY_DAEMON", "off");
    ownProcess = pb.start();
    try {
      return ownProcess.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    }
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null
        && Arrays.stream(path.split(":"))
            .anyMatch(d -> !d.isEmpty() && java.nio.file.Files.isExecutable(Path.of(d, program)));
  }

  /** Sends the command and relays the daemon's frames until its exit status. */
  private int converse(Frames connection, Hello hello) throws IOException {
    frames = connection;
    try (connection) {
      connection.send(Frames.HELLO, hello.encode());
      boolean accepted = false;
      while (true) {
        Frame frame;
        try {
          frame = connection.receive();
        } catch (IOException e) {
          frame = null;
        }
        if (frame == null) {
          if (!accepted && !cancelling.get()) {
            return RETRY; // it never ran the command
          }
          error("slipway: the daemon ended the connection before the command ended");
          return 1;
        }
        switch (frame.type()) {
          case Frames.ACCEPTED -> accepted = true;
          case Frames.STDOUT -> write(stdout, frame.payload());
          case Frames.STDERR -> write(stderr, frame.payload());
          case Frames.READ_STDIN -> relayStdin(connection, frame.number());
          case Frames.EXIT -> {
            finished.set(true);
            return frame.exitStatus();
          }
          case Frames.RUN_IN_OWN_PROCESS -> {
            finished.set(true);
            return RUN_IN_OWN_PROCESS;
          }
          default -> throw new IOException("the daemon sent an unknown frame " + frame.type());
        }
      }
    } finally {
      ended.countDown();
    }
  }

  private void write(FileOutputStream stream, byte[] bytes) throws IOException {
    try {
      stream.write(bytes);
    } catch (IOException e) {
      if (stream == stderr) {
        throw e;
      }
      // Whoever read stdout is gone (e.g. `| head`): the command has no one to write for.
      frames.send(Frames.CANCEL, new byte[0]);
    }
  }

  /**
   * Standard input goes to the daemon only when a command reads it (a Dockerfile on stdin), and no
   * more of it than the daemon asked for: each READ_STDIN grants {@code bytes} more.
   */
  private void relayStdin(Frames connection, int bytes) throws IOException {
    if (bytes <= 0 || bytes > Frames.MAX_PAYLOAD) {
      throw new IOException("the daemon asked for " + bytes + " bytes of standard input");
    }
    synchronized (stdinGrant) {
      stdinGrant[0] += bytes;
      stdinGrant.notifyAll();
    }
    if (stdinPump != null) {
      return;
    }
    stdinPump =
        new Thread(
            () -> {
              byte[] buffer = new byte[Frames.CHUNK];
              try (InputStream in = new FileInputStream(FileDescriptor.in)) {
                int n;
                while ((n = in.read(buffer, 0, awaitGrant())) > 0) {
                  synchronized (stdinGrant) {
                    stdinGrant[0] -= n;
                  }
                  connection.send(Frames.STDIN, buffer, 0, n);
                }
                connection.send(Frames.STDIN, new byte[0]);
              } catch (IOException | InterruptedException e) {
                // the command ended or the connection broke; nothing is left to relay to
              }
            },
            "slipway-stdin");
    stdinPump.setDaemon(true);
    stdinPump.start();
  }

  /** Waits until the daemon wants more standard input; how much this read may take. */
  private int awaitGrant() throws InterruptedException {
    synchronized (stdinGrant) {
      while (stdinGrant[0] == 0) {
        stdinGrant.wait();
      }
      return (int) Math.min(stdinGrant[0], Frames.CHUNK);
    }
  }

  /** The shutdown hook (Ctrl-C, SIGTERM): asks the daemon to cancel and waits for it to end. */
  private void cancel() {
    Process own = ownProcess;
    if (own != null) {
      // Ctrl-C reached it too; SIGTERM does the same for a signal sent to this launcher alone
      own.destroy();
      try {
        own.waitFor(CANCEL_PATIENCE_SECONDS * 2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    Frames connection = frames;
    if (finished.get() || connection == null) {
      return;
    }
    cancelling.set(true);
    try {
      connection.send(Frames.CANCEL, new byte[0]);
      ended.await(CANCEL_PATIENCE_SECONDS, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      // the daemon is gone already
    }
  }

  /** Which standard streams are terminals, as bin/slipway found with test -t (the JVM cannot). */
  private static Hello.Terminals terminals() {
    String t = System.getProperty("slipway.terminals", "");
    return new Hello.Terminals(t.contains("0"), t.contains("1"), t.contains("2"));
  }

  private static int columns(Map<String, String> env) {
    try {
      return Integer.parseInt(env.getOrDefault("COLUMNS", "0").trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void error(String line) {
    try {
      print(stderr, line + "\n");
    } catch (IOException e) {
      // nowhere left to say it
    }
  }

  private static void print(FileOutputStream stream, String text) throws IOException {
    stream.write(text.getBytes(StandardCharsets.UTF_8));
  }
}
