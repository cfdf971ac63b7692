package dev.slipway.cli.daemon;

import dev.slipway.cli.invocation.Invocation;
import dev.slipway.launcher.DaemonFiles;
import dev.slipway.launcher.SocketDirectory;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
  private final SharedEngines engines;
  private final Set<DaemonConnection> running = ConcurrentHashMap.newKeySet();
  private final Instant started = Instant.now();
  private ServerSocketChannel server;
  private long lastActive = System.nanoTime();
  private boolean stopping;
  private Object socketKey;
  private FileLock startLock;
  private final CountDownLatch ended = new CountDownLatch(1);

  private CliDaemon(DaemonFiles files, Duration idleLimit) {
    this.files = files;
    this.idleLimit = idleLimit;
    this.engines = new SharedEngines(files.dir());
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
    socketKey = socketKey();
    Files.writeString(files.pid(), Long.toString(ProcessHandle.current().pid()));
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAndWait, "daemon-stop"));
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
    engines.closeAll();
    try {
      Files.deleteIfExists(files.pid());
    } catch (IOException e) {
      // the directory went away
    }
    releaseStartLock();
    ended.countDown();
  }

  /**
   * Ends the daemon: takes the start lock, so no launcher starts a new daemon until this one is
   * gone, closes the server and unlinks its socket (if still ours), and cancels running commands;
   * {@link #serve} then closes the engines and releases the lock.
   */
  void stop() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    try {
      FileChannel lockFile =
          FileChannel.open(files.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      startLock = lockFile.lock();
    } catch (IOException e) {
      System.err.println("WARNING: cannot take the start lock: " + e.getMessage());
    }
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    unlinkOurSocket();
    running.forEach(DaemonConnection::cancel);
  }

  /** SIGTERM (and the exit after serve): stop, and let serve close the engines first. */
  private void stopAndWait() {
    stop();
    try {
      ended.await(STOP_PATIENCE.toSeconds() + 10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A launcher may have replaced a dead socket by the time we go: that one is not ours. */
  private void unlinkOurSocket() {
    try {
      if (socketKey != null && socketKey.equals(socketKey())) {
        Files.deleteIfExists(files.socket());
      }
    } catch (IOException e) {
      // gone already
    }
  }

  private Object socketKey() {
    try {
      return Files.readAttributes(
              files.socket(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private void releaseStartLock() {
    if (startLock != null) {
      try {
        startLock.channel().close();
      } catch (IOException e) {
        // the process ends anyway, which releases it
      }
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
      engines.releaseRequested();
      synchronized (this) {
        if (stopping) {
          return;
        }
        if (!running.isEmpty() || System.nanoTime() - lastActive <= idleLimit.toNanos()) {
          continue;
        }
      }
      System.err.println(Instant.now() + " idle for " + idleLimit + "; exiting");
      stop(); // outside the monitor: it waits for the start lock
      return;
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
