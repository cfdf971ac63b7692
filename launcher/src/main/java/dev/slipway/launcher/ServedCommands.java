package dev.slipway.launcher;

import java.util.List;
import java.util.Set;

/**
 * Which command lines the daemon runs. Cluster commands stay in a JVM of their own: the Kubernetes
 * client reads the process's environment and files itself, which in a daemon would be the first
 * shell's. {@code build} is served, and hands a cluster build back to its own process.
 */
public final class ServedCommands {
  private static final Set<String> SERVED = Set.of("build", "du", "prune", "version", "help");

  private ServedCommands() {}

  /** Whether the daemon may run {@code args}; options alone (--help, --version) are served. */
  public static boolean served(List<String> args) {
    return args.isEmpty() || args.get(0).startsWith("-") || SERVED.contains(args.get(0));
  }

  /** Whether {@code args} asks about or ends the daemon itself ({@code slipway daemon ...}). */
  public static boolean daemonControl(List<String> args) {
    return !args.isEmpty() && args.get(0).equals("daemon");
  }
}
