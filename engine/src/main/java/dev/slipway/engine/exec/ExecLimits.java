package dev.slipway.engine.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a build sets of its RUN processes' resources (buildx {@code --shm-size} and {@code
 * --ulimit}). The values come from a client, so they are checked here: only the limits {@code
 * ulimit} names, soft not above hard, and nothing beyond what the builder itself may use (its own
 * hard limits and its memory), so a build cannot lift a limit the builder lives under.
 *
 * @param shmBytes size of {@code /dev/shm}; 0 for BuildKit's default, 64 MiB
 * @param ulimits at most one per name, in the order given
 *     <p>Serializable as part of a graph's {@code ExecOp}.
 */
public record ExecLimits(long shmBytes, List<Ulimit> ulimits) implements java.io.Serializable {

  /** No --shm-size, no --ulimit: the runtime's defaults. */
  public static final ExecLimits NONE = new ExecLimits(0, List.of());

  /** BuildKit's (and Docker's) /dev/shm when none is asked for. */
  public static final long DEFAULT_SHM_BYTES = 64L << 20;

  /** The names {@code docker --ulimit} accepts, with the runtime spec's type for each. */
  static final Map<String, String> RLIMIT_TYPES = rlimitTypes();

  public ExecLimits {
    ulimits = List.copyOf(ulimits);
    if (shmBytes < 0) {
      throw new IllegalArgumentException("shm size " + shmBytes + " is negative");
    }
    List<String> seen = new ArrayList<>();
    for (Ulimit u : ulimits) {
      if (seen.contains(u.name())) {
        throw new IllegalArgumentException("ulimit " + u.name() + " is given twice");
      }
      seen.add(u.name());
    }
  }

  public boolean isDefault() {
    return shmBytes == 0 && ulimits.isEmpty();
  }

  /** The size of /dev/shm for the runtime spec. */
  public long effectiveShmBytes() {
    return shmBytes == 0 ? DEFAULT_SHM_BYTES : shmBytes;
  }

  /**
   * Refuses what exceeds the builder's own bounds: a /dev/shm larger than its memory, a ulimit
   * above its own hard limit (a runtime running as root could grant it).
   */
  public void checkWithin(HostLimits host) {
    if (shmBytes > host.memoryBytes()) {
      throw new IllegalArgumentException(
          "--shm-size "
              + shmBytes
              + " bytes is more than the builder's memory ("
              + host.memoryBytes()
              + " bytes); ask for less, e.g. --shm-size 256m");
    }
    for (Ulimit u : ulimits) {
      long max = host.hardLimit(u.name());
      if (max != Ulimit.UNLIMITED && (u.hard() == Ulimit.UNLIMITED || u.hard() > max)) {
        throw new IllegalArgumentException(
            "--ulimit "
                + u
                + ": the builder's own hard limit for "
                + u.name()
                + " is "
                + max
                + "; a build cannot have more");
      }
    }
  }

  /**
   * One resource limit, as {@code ulimit} names it.
   *
   * @param soft the limit in the kernel's unit, or {@link #UNLIMITED}
   * @param hard the ceiling of the soft limit, or {@link #UNLIMITED}
   */
  public record Ulimit(String name, long soft, long hard) implements java.io.Serializable {
    /** RLIM_INFINITY, written {@code -1} as docker does. */
    public static final long UNLIMITED = -1;

    public Ulimit {
      if (!RLIMIT_TYPES.containsKey(name)) {
        throw new IllegalArgumentException(
            "ulimit \""
                + (name.length() > 32 ? name.substring(0, 32) + "…" : name)
                + "\" is not known; use one of "
                + String.join(", ", RLIMIT_TYPES.keySet()));
      }
      if (soft < UNLIMITED || hard < UNLIMITED) {
        throw new IllegalArgumentException(
            "ulimit " + name + ": values are numbers from 0, or -1 for unlimited");
      }
      if (hard != UNLIMITED && (soft == UNLIMITED || soft > hard)) {
        throw new IllegalArgumentException(
            "ulimit " + name + ": soft limit " + soft + " is above the hard limit " + hard);
      }
    }

    /** The runtime spec's type, e.g. {@code RLIMIT_NOFILE}. */
    public String rlimitType() {
      return RLIMIT_TYPES.get(name);
    }

    @Override
    public String toString() {
      return name + "=" + soft + ":" + hard;
    }
  }

  private static Map<String, String> rlimitTypes() {
    Map<String, String> m = new java.util.TreeMap<>();
    for (String n :
        List.of(
            "core",
            "cpu",
            "data",
            "fsize",
            "locks",
            "memlock",
            "msgqueue",
            "nice",
            "nofile",
            "nproc",
            "rss",
            "rtprio",
            "rttime",
            "sigpending",
            "stack")) {
      m.put(n, "RLIMIT_" + n.toUpperCase(java.util.Locale.ROOT));
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
