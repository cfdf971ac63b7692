package dev.slipway.engine.cache;

import dev.slipway.api.control.v1.PruneRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which items a prune may remove and when it stops. An item qualifies when it matches the {@code
 * type=} filters and is older than {@code until=} and {@code keep_duration}; with {@code
 * keep_bytes} qualifying items go least recently used first until the cache fits, otherwise all of
 * them go. {@code all} ignores the age bounds and the size bound.
 */
public record PrunePolicy(
    long keepBytes, Optional<Duration> olderThan, Set<String> types, boolean all) {

  private static final Pattern DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

  /** Reads a request; fails with {@link IllegalArgumentException} naming the bad filter. */
  public static PrunePolicy of(PruneRequest request) {
    Optional<Duration> age =
        request.hasKeepDuration() && request.getKeepDuration().getSeconds() > 0
            ? Optional.of(Duration.ofSeconds(request.getKeepDuration().getSeconds()))
            : Optional.empty();
    Set<String> types = new HashSet<>();
    for (String filter : request.getFiltersList()) {
      int eq = filter.indexOf('=');
      String name = eq < 0 ? filter : filter.substring(0, eq).trim();
      String value = eq < 0 ? "" : filter.substring(eq + 1).trim();
      switch (name) {
        case "until" -> {
          Duration until = parseDuration(value);
          age = Optional.of(age.filter(a -> a.compareTo(until) > 0).orElse(until));
        }
        case "type" -> types.add(value);
        default ->
            throw new IllegalArgumentException(
                "unknown prune filter \""
                    + filter
                    + "\"; use until=DURATION (e.g. until=24h) or type=TYPE (e.g."
                    + " type=exec.cachemount)");
      }
    }
    return new PrunePolicy(Math.max(0, request.getKeepBytes()), age, types, request.getAll());
  }

  boolean qualifies(CacheItem item, Instant now) {
    if (item.inUse()) {
      return false;
    }
    if (!types.isEmpty() && !types.contains(item.type().wireName())) {
      return false;
    }
    return all || olderThan.isEmpty() || !item.lastUsed().isAfter(now.minus(olderThan.get()));
  }

  /** Whether removing stops once the cache holds {@code total} bytes. */
  boolean satisfiedAt(long total) {
    return !all && keepBytes > 0 && total <= keepBytes;
  }

  /** A Go-style duration ("24h", "1h30m", "90s"), plus "d" for days as Docker accepts. */
  public static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION_PART.matcher(s);
    double nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      nanos +=
          n
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> 86400e9;
              };
      end = m.end();
    }
    if (s.isEmpty() || end != s.length()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" is not a duration; write it like 24h, 90m or 1h30m");
    }
    return Duration.ofNanos((long) nanos);
  }
}
