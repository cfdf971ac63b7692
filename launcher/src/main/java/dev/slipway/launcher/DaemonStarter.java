package dev.slipway.launcher;

import java.io.File;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds the daemon of one identity, or starts it when none answers. */
public final class DaemonStarter {
  private static final long PATIENCE_MILLIS = 60_000;

  /**
   * What the daemon's own process keeps of the launcher's environment: what the engine needs to
   * find its tools. Each command gets the environment of the launcher that sent it.
   */
  private static final List<String> DAEMON_ENVIRONMENT =
      List.of("PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "XDG_RUNTIME_DIR");

  private DaemonStarter() {}

  /** A connection to the running daemon, or null when none answers. */
  public static SocketChannel connect(DaemonFiles files) {
    if (!SocketDirectory.ownSocket(files.socket())) {
      return null; // none there, or not this user's: the starter replaces it
    }
    try {
      return SocketChannel.open(UnixDomainSocketAddress.of(files.socket()));
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * A connection to the daemon, started first when none answers. A file lock makes launchers that
   * start at once wait for the one that starts it.
   */
  public static SocketChannel connectOrStart(
      DaemonFiles files, Path cliJar, Map<String, String> env) throws IOException {
    SocketChannel channel = connect(files);
    if (channel != null) {
      return channel;
    }
    try (FileChannel lockFile =
            FileChannel.open(
                files.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock started = lockFile.lock()) {
      channel = connect(files);
      if (channel != null) {
        return channel;
      }
      Files.deleteIfExists(files.socket()); // a daemon that died left it
      Process daemon = start(files, cliJar, env);
      long deadline = System.currentTimeMillis() + PATIENCE_MILLIS;
      while (true) {
        channel = connect(files);
        if (channel != null) {
          return channel;
        }
        if (!daemon.isAlive()) {
          throw new IOException(
              "the slipway daemon exited at once (status "
                  + daemon.exitValue()
                  + "); its log "
                  + files.log()
                  + " ends with:\n"
                  + tail(files.log()));
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IOException(
              "the slipway daemon (pid "
                  + daemon.pid()
                  + ") did not open "
                  + files.socket()
                  + " within "
                  + PATIENCE_MILLIS / 1000
                  + " s; see its log "
                  + files.log()
                  + " (SLIPWAY_DAEMON=off runs slipway without a daemon)");
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while the slipway daemon started", e);
        }
      }
    }
  }

  /**
   * Starts the daemon in a session of its own (setsid), so the terminal's Ctrl-C reaches only the
   * launcher, with no standard input and its output in its log: it must hold open nobody's pipe.
   */
  private static Process start(DaemonFiles files, Path cliJar, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add("setsid");
    command.add(ProcessHandle.current().info().command().orElse(javaHome() + "/bin/java"));
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(classDataSharing(cliJar));
    String extra = env.getOrDefault("SLIPWAY_JAVA_OPTS", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-cp",
            cliJar.toString(),
            "dev.slipway.cli.daemon.CliDaemon",
            files.dir().toString(),
            files.identity()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    for (String name : DAEMON_ENVIRONMENT) {
      if (env.containsKey(name)) {
        pb.environment().put(name, env.get(name));
      }
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith("SLIPWAY_DAEMON_") || name.equals("SLIPWAY_DEBUG")) {
            pb.environment().put(name, value);
          }
        });
    return pb.directory(files.dir().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
        .redirectErrorStream(true)
        .start();
  }

  /**
   * A class-data archive next to the jar, made when the daemon exits: the next daemon starts
   * faster. An archive older than the jars is dropped, since the JVM would only ignore it.
   */
  private static List<String> classDataSharing(Path cliJar) throws IOException {
    Path jsa = cliJar.resolveSibling("slipway-daemon.jsa");
    if (Files.exists(jsa)) {
      long made = Files.getLastModifiedTime(jsa).toMillis();
      boolean stale = Files.getLastModifiedTime(cliJar).toMillis() > made;
      Path lib = cliJar.resolveSibling("lib");
      if (!stale && Files.isDirectory(lib)) {
        try (var jars = Files.list(lib)) {
          stale = jars.anyMatch(j -> j.toFile().lastModified() > made);
        }
      }
      if (stale) {
        Files.deleteIfExists(jsa);
      }
    }
    return List.of(
        "-XX:+AutoCreateSharedArchive",
        "-XX:SharedArchiveFile=" + jsa,
        "-Xlog:cds=off",
        "-Xlog:cds+dynamic=off");
  }

  private static String javaHome() {
    return System.getProperty("java.home");
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(cannot read it: " + e.getMessage() + ")";
    }
  }
}
