package dev.slipway.cli.request;

import dev.slipway.api.control.v1.Ulimit;
import dev.slipway.cli.usage.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --shm-size} and {@code --ulimit} in buildx's syntax: a size with an optional binary unit
 * ({@code 128m}, {@code 1g}), and {@code NAME=SOFT[:HARD]}. Only the syntax is checked here; which
 * names and values a builder accepts, it decides itself.
 */
final class RunLimitFlags {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?", Pattern.CASE_INSENSITIVE);

  private RunLimitFlags() {}

  /** {@code --shm-size}: bytes; 0 when not given. */
  static long shmSize(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new UsageException(
          "--shm-size " + text + ": expected a size such as 128m, 1g or 67108864 (bytes)");
    }
    int shift =
        m.group(2) == null ? 0 : 10 * ("kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1);
    double bytes = Double.parseDouble(m.group(1)) * Math.pow(2, shift);
    if (bytes >= Long.MAX_VALUE || bytes < 1) {
      throw new UsageException("--shm-size " + text + ": the size is out of range");
    }
    return (long) bytes;
  }

  /** {@code --ulimit NAME=SOFT[:HARD]}; HARD defaults to SOFT, -1 means unlimited. */
  static List<Ulimit> ulimits(List<String> values) {
    List<Ulimit> out = new ArrayList<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(
            "--ulimit " + v + ": expected NAME=SOFT[:HARD], e.g. nofile=1024:2048");
      }
      String[] limits = v.substring(eq + 1).split(":", -1);
      if (limits.length > 2) {
        throw new UsageException("--ulimit " + v + ": too many limits; use NAME=SOFT[:HARD]");
      }
      try {
        long soft = Long.parseLong(limits[0]);
        long hard = limits.length == 2 ? Long.parseLong(limits[1]) : soft;
        out.add(
            Ulimit.newBuilder().setName(v.substring(0, eq)).setSoft(soft).setHard(hard).build());
      } catch (NumberFormatException e) {
        throw new UsageException(
            "--ulimit "
                + v
                + ": limits are whole numbers (-1 for unlimited), e.g. nofile=1024:2048");
      }
    }
    return out;
  }
}
