package dev.slipway.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The builder's own resource bounds, which a build's {@link ExecLimits} may not exceed: its hard
 * rlimits ({@code /proc/self/limits}) and its memory ({@code /proc/meminfo}).
 */
public record HostLimits(Map<String, Long> hardLimits, long memoryBytes) {

  /** The row of /proc/self/limits for each ulimit name. */
  private static final Map<String, String> ROWS =
      Map.ofEntries(
          Map.entry("core", "Max core file size"),
          Map.entry("cpu", "Max cpu time"),
          Map.entry("data", "Max data size"),
          Map.entry("fsize", "Max file size"),
          Map.entry("locks", "Max file locks"),
          Map.entry("memlock", "Max locked memory"),
          Map.entry("msgqueue", "Max msgqueue size"),
          Map.entry("nice", "Max nice priority"),
          Map.entry("nofile", "Max open files"),
          Map.entry("nproc", "Max processes"),
          Map.entry("rss", "Max resident set"),
          Map.entry("rtprio", "Max realtime priority"),
          Map.entry("rttime", "Max realtime timeout"),
          Map.entry("sigpending", "Max pending signals"),
          Map.entry("stack", "Max stack size"));

  public HostLimits {
    hardLimits = Map.copyOf(hardLimits);
  }

  /** This process's bounds. */
  public static HostLimits current() {
    try {
      return parse(
          Files.readAllLines(Path.of("/proc/self/limits")),
          Files.readAllLines(Path.of("/proc/meminfo")));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read this process's limits: " + e.getMessage(), e);
    }
  }

  static HostLimits parse(List<String> limits, List<String> meminfo) {
    Map<String, Long> hard = new HashMap<>();
    ROWS.forEach(
        (name, row) -> {
          for (String line : limits) {
            if (line.startsWith(row + " ")) {
              // columns: soft, hard, units (absent for nice and rtprio)
              String[] cols = line.substring(row.length()).trim().split("\\s+");
              hard.put(
                  name,
                  cols[1].equals("unlimited")
                      ? ExecLimits.Ulimit.UNLIMITED
                      : Long.parseLong(cols[1]));
            }
          }
        });
    long memory = Long.MAX_VALUE;
    for (String line : meminfo) {
      if (line.startsWith("MemTotal:")) {
        memory = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return new HostLimits(hard, memory);
  }

  /**
   * The hard limit of {@code name}, or {@link ExecLimits.Ulimit#UNLIMITED} when none or unknown.
   */
  public long hardLimit(String name) {
    return hardLimits.getOrDefault(name, ExecLimits.Ulimit.UNLIMITED);
  }
}
