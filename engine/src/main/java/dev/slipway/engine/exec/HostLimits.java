package dev.slipway.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The builder's own resource bounds, which a build's {@link ExecLimits} may not exceed: its hard
 * rlimits ({@code /proc/self/limits}) and its memory: the machine's ({@code /proc/meminfo}), or its
 * cgroup's limit when lower, since a /dev/shm the pod cannot hold would get the shared builder
 * OOM-killed with every build on it.
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
      HostLimits host =
          parse(
              Files.readAllLines(Path.of("/proc/self/limits")),
              Files.readAllLines(Path.of("/proc/meminfo")));
      for (Path cgroupLimit : CGROUP_MEMORY_LIMITS) {
        if (Files.isReadable(cgroupLimit)) {
          long cap = cgroupCap(Files.readString(cgroupLimit));
          return new HostLimits(host.hardLimits(), Math.min(host.memoryBytes(), cap));
        }
      }
      return host;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read this process's limits: " + e.getMessage(), e);
    }
  }

  /** The memory limit of this process's cgroup as a pod sees it: v2, else v1. */
  private static final List<Path> CGROUP_MEMORY_LIMITS =
      List.of(
          Path.of("/sys/fs/cgroup/memory.max"),
          Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"));

  /** A cgroup memory limit file's value; {@code max} (v2) or v1's huge "none" mean no cap. */
  static long cgroupCap(String text) {
    String value = text.strip();
    return value.isEmpty() || !value.chars().allMatch(Character::isDigit)
        ? Long.MAX_VALUE
        : Long.parseLong(value);
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
