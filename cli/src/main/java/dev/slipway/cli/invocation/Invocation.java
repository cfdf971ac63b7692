package dev.slipway.cli.invocation;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of a slipway command: where it was started, with which environment and standard streams.
 * The daemon runs several at once for different shells, so commands read all of this here and never
 * from the process ({@code System.getenv}, {@code user.dir}, {@code System.out}).
 *
 * @param cwd the directory relative paths on the command line are relative to
 * @param environment the environment of the shell that ran the command
 * @param stdout where the command's output goes (raw bytes, e.g. an archive for {@code dest=-})
 * @param err where messages and progress go
 * @param stdin the command's standard input
 * @param stderrIsTerminal whether {@code err} shows on a terminal (live progress)
 * @param columns the terminal's width, 0 when unknown
 * @param engines the local engines this command may use
 * @param cancels what runs when the user interrupts the command
 * @param inDaemon whether this runs in the daemon, which serves only some commands
 * @param ownProcessFlag set when the command asks to run in a process of its own instead
 */
public record Invocation(
    Path cwd,
    Map<String, String> environment,
    PrintStream stdout,
    PrintStream err,
    InputStream stdin,
    boolean stderrIsTerminal,
    int columns,
    LocalEngines engines,
    CancelHooks cancels,
    boolean inDaemon,
    AtomicBoolean ownProcessFlag) {

  // The invocation the command of this thread runs in, bound by run(); a thread runs one command.
  private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

  public Invocation {
    environment = Map.copyOf(environment);
  }

  /** Without the environment: it may carry secrets (tokens, passwords). */
  @Override
  public String toString() {
    return "Invocation[cwd=" + cwd + ", inDaemon=" + inDaemon + "]";
  }

  /** Set by the daemon: its own environment and streams belong to no command. */
  public static final String IN_DAEMON_PROPERTY = "slipway.daemon";

  /**
   * The invocation being run, or this process's own when none is bound (a test's command line). In
   * the daemon a command's code that reached this on a thread without its invocation would read the
   * daemon's environment: that is a bug, and fails here.
   */
  public static Invocation current() {
    Invocation bound = CURRENT.get();
    if (bound != null) {
      return bound;
    }
    if (System.getProperty(IN_DAEMON_PROPERTY) != null) {
      throw new IllegalStateException("no command's invocation is bound to this thread");
    }
    return ofThisProcess();
  }

  /** Runs {@code command} on this thread with this invocation bound as {@link #current()}. */
  public <T> T run(java.util.function.Supplier<T> command) {
    Invocation outer = CURRENT.get();
    CURRENT.set(this);
    try {
      return command.get();
    } finally {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }

  /**
   * This process's own directory, environment and streams as they are now (a test may have replaced
   * System.err): slipway without a daemon.
   */
  public static Invocation ofThisProcess() {
    return new Invocation(
        Path.of(System.getProperty("user.dir")),
        System.getenv(),
        System.out,
        System.err,
        System.in,
        // bin/slipway sets SLIPWAY_TTY=1 when stderr is a terminal: the JVM cannot tell.
        "1".equals(System.getenv("SLIPWAY_TTY")),
        columns(System.getenv("COLUMNS")),
        new ProcessEngines(),
        Invocation::shutdownHook,
        false,
        new AtomicBoolean());
  }

  /** A command-line path, relative to where the command was started. */
  public Path resolve(Path path) {
    return cwd.resolve(path).normalize();
  }

  /** A command-line path, relative to where the command was started. */
  public Path resolve(String path) {
    return resolve(Path.of(path));
  }

  /** An environment variable of the invocation, or null. */
  public String env(String name) {
    return environment.get(name);
  }

  /** $HOME of the invocation, else the home of this process's user. */
  public Path home() {
    String home = environment.get("HOME");
    return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
  }

  /** Whether SLIPWAY_DEBUG=1 asks for stack traces. */
  public boolean debug() {
    return "1".equals(environment.get("SLIPWAY_DEBUG"));
  }

  /**
   * Says that this command must run in a process of its own (the daemon does not serve it); true
   * when the command should stop here and leave it to that process.
   */
  public boolean handOverToOwnProcess() {
    if (!inDaemon) {
      return false;
    }
    ownProcessFlag.set(true);
    return true;
  }

  /** Whether a command asked to run in a process of its own. */
  public boolean ownProcessWanted() {
    return ownProcessFlag.get();
  }

  /** What a command's cancel hooks are registered with. */
  public interface CancelHooks {
    /**
     * Runs {@code hook} when the user interrupts the command (Ctrl-C, or the client going away).
     * Closing the result unregisters it.
     */
    AutoCloseable onCancel(Runnable hook);
  }

  private static AutoCloseable shutdownHook(Runnable hook) {
    Thread thread = new Thread(hook, "cancel-on-interrupt");
    Runtime.getRuntime().addShutdownHook(thread);
    return () -> {
      try {
        Runtime.getRuntime().removeShutdownHook(thread);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: the command was interrupted and is being cancelled
      }
    };
  }

  /** A COLUMNS value, or 0 when it is not a number. */
  public static int columns(String value) {
    try {
      return value == null ? 0 : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
