package dev.slipway.cli.table;

import java.time.Duration;
import java.time.Instant;

/** "2 days ago", "About an hour ago": how long ago, the way Docker's tables say it. */
final class LastAccessed {
  private LastAccessed() {}

  static String since(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    long s = Math.max(0, d.toSeconds());
    if (s < 1) {
      return "Less than a second ago";
    }
    if (s == 1) {
      return "1 second ago";
    }
    if (s < 60) {
      return s + " seconds ago";
    }
    long minutes = d.toMinutes();
    if (minutes == 1) {
      return "About a minute ago";
    }
    if (minutes < 60) {
      return minutes + " minutes ago";
    }
    long hours = Math.round(d.toMinutes() / 60.0);
    if (hours == 1) {
      return "About an hour ago";
    }
    if (hours < 48) {
      return hours + " hours ago";
    }
    long days = d.toHours() / 24;
    if (days < 7 * 2) {
      return days + " days ago";
    }
    if (days < 30 * 3) {
      return days / 7 + " weeks ago";
    }
    if (days < 365 * 2) {
      return days / 30 + " months ago";
    }
    return days / 365 + " years ago";
  }
}
