package dev.slipway.cli.daemon;

import dev.slipway.cli.invocation.Invocation;
import dev.slipway.launcher.DaemonFiles;
import dev.slipway.launcher.SocketDirectory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The warm slipway process that bin/slipway's launcher talks to: it runs each client's command (a
 * virtual thread per connection) with that client's directory, environment and streams, keeps the
 * {@code --local} engines open between builds, and exits after {@code SLIPWAY_DAEMON_IDLE} (30m)
 * with nothing to do, removing its socket. A daemon of an older CLI build is never asked again (its
 * socket carries the old identity) and so idles out.
 */
public final class CliDaemon {
  private static final Duration STOP_PATIENCE = Duration.ofSeconds(20);

  private final DaemonFiles files;
  private final Duration idleLimit;
  private final SharedEngines engines = new SharedEngines();
  private final Set<DaemonConnection> running = ConcurrentHashMap.newKeySet();
  private final Instant started = Instant.now();
  private ServerSocketChannel server;
  private long lastActive = System.nanoTime();
  private boolean stopping;

  private CliDaemon(DaemonFiles files, Duration idleLimit) {
    this.files = files;
    this.idleLimit = idleLimit;
  }

  /** Arguments: the socket directory and the identity the launcher computed for this CLI. */
  public static void main(String[] args) throws IOException {
    System.setProperty(Invocation.IN_DAEMON_PROPERTY, "1");
    Path dir = SocketDirectory.prepare(Path.of(args[0]));
    CliDaemon daemon = new CliDaemon(new DaemonFiles(dir, args[1]), idleLimit());
    daemon.serve();
    System.exit(0);
  }

  private static Duration idleLimit() {
    try {
      return IdleTime.parse(System.getenv("SLIPWAY_DAEMON_IDLE"));
    } catch (IllegalArgumentException e) {
      System.err.println("WARNING: " + e.getMessage() + "; the daemon idles out after 30m");
      return IdleTime.DEFAULT;
    }
  }

  private void serve() throws IOException {
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    Files.deleteIfExists(files.socket()); // the launcher that started us holds the start lock
    server.bind(UnixDomainSocketAddress.of(files.socket()));
    Files.writeString(files.pid(), Long.toString(ProcessHandle.current().pid()));
    Runtime.getRuntime().addShutdownHook(new Thread(this::cleanUp, "daemon-clean-up"));
    Thread.ofPlatform().daemon().name("daemon-idle").start(this::watchIdle);
    System.err.println(
        Instant.now() + " slipway daemon " + files.identity() + " serving " + files.socket());
    while (true) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException closed) {
        break; // stop() or the idle watcher closed the socket
      }
      DaemonConnection connection = new DaemonConnection(this, client);
      synchronized (this) {
        if (stopping) {
          client.close();
          continue;
        }
        running.add(connection);
      }
      Thread.ofVirtual().name("invocation-", 0).start(connection);
    }
    awaitRunning();
  }

  /** Ends the daemon: running commands are cancelled, then the engines closed. */
  void stop() {
    synchronized (this) {
      stopping = true;
    }
    running.forEach(DaemonConnection::cancel);
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  void finished(DaemonConnection connection) {
    synchronized (this) {
      running.remove(connection);
      lastActive = System.nanoTime();
      notifyAll();
    }
  }

  DaemonFiles files() {
    return files;
  }

  SharedEngines engines() {
    return engines;
  }

  /** What {@code slipway daemon status} shows. */
  synchronized String status() {
    long rssKb = rssKb();
    List<Path> states = engines.directories();
    return "pid: "
        + ProcessHandle.current().pid()
        + "\nidentity: "
        + files.identity()
        + "\nsocket: "
        + files.socket()
        + "\nlog: "
        + files.log()
        + "\nstarted: "
        + started
        + "\nrunning commands: "
        + (running.size() - 1) // not counting this status
        + "\nidle: "
        + (running.size() > 1
            ? "no"
            : Duration.ofNanos(System.nanoTime() - lastActive).toSeconds() + "s")
        + " (exits after "
        + idleLimit.toSeconds()
        + "s idle)\nrss: "
        + (rssKb < 0 ? "unknown" : rssKb / 1024 + " MiB")
        + "\nstate directories:"
        + (states.isEmpty() ? " none" : "")
        + String.join("", states.stream().map(s -> "\n  " + s).toList())
        + "\n";
  }

  private void watchIdle() {
    long tick = Math.max(200, Math.min(1000, idleLimit.toMillis() / 4));
    while (true) {
      try {
        Thread.sleep(tick);
      } catch (InterruptedException e) {
        return;
      }
      engines.retireVanished();
      synchronized (this) {
        if (stopping) {
          return;
        }
        if (running.isEmpty() && System.nanoTime() - lastActive > idleLimit.toNanos()) {
          System.err.println(Instant.now() + " idle for " + idleLimit + "; exiting");
          stop();
          return;
        }
      }
    }
  }

  private synchronized void awaitRunning() {
    long deadline = System.nanoTime() + STOP_PATIENCE.toNanos();
    while (!running.isEmpty() && System.nanoTime() < deadline) {
      try {
        wait(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** On any exit (stop, idle, SIGTERM): no socket left to connect to, every engine closed. */
  private void cleanUp() {
    try {
      Files.deleteIfExists(files.socket());
      Files.deleteIfExists(files.pid());
    } catch (IOException e) {
      // the directory went away
    }
    engines.closeAll();
  }

  private static long rssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // unknown
    }
    return -1;
  }
}
