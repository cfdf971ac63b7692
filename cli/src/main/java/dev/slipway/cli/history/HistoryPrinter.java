package dev.slipway.cli.history;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.slipway.api.control.v1.BuildState;
import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.api.control.v1.HistoryStep;
import dev.slipway.cli.table.ByteSizes;
import dev.slipway.cli.table.Table;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** How {@code slipway history ls} and {@code inspect} show records: as buildx does, or as JSON. */
public final class HistoryPrinter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private HistoryPrinter() {}

  /** BUILD ID, NAME, STATUS, CREATED AT, DURATION, CACHED as {@code buildx history ls}. */
  public static void table(List<HistoryRecord> records, PrintStream out, Instant now) {
    Table table = new Table("BUILD ID", "NAME", "STATUS", "CREATED AT", "DURATION", "CACHED");
    for (HistoryRecord r : records) {
      table.row(
          r.getBuildId(),
          r.getName(),
          status(r.getState()),
          ago(r.getStarted(), now),
          duration(r),
          r.getStepsCached() + "/" + r.getStepsTotal());
    }
    PrintWriter w = new PrintWriter(out, true);
    table.print(w, "");
  }

  /** The record of {@code inspect}: what a person checks first, then the steps. */
  public static void details(HistoryRecord r, PrintStream out) {
    out.println("Build ID:      " + r.getBuildId());
    out.println("Name:          " + r.getName());
    if (r.getPlatformsCount() > 0) {
      out.println("Platforms:     " + String.join(", ", r.getPlatformsList()));
    }
    out.println("Status:        " + status(r.getState()));
    out.println("Started:       " + time(r.getStarted()));
    out.println("Completed:     " + time(r.getCompleted()));
    out.println("Duration:      " + duration(r));
    out.println(
        "Build Steps:   "
            + r.getStepsTotal()
            + " ("
            + r.getStepsCached()
            + " cached, "
            + r.getStepsExecuted()
            + " executed)");
    out.println("Cache Hits:    " + hitRatio(r));
    if (!r.getImageDigest().isEmpty()) {
      out.println("Digest:        " + r.getImageDigest());
    }
    for (String ref : r.getRefsList()) {
      out.println("Ref:           " + ref);
    }
    if (r.getWarnings() > 0) {
      out.println("Warnings:      " + r.getWarnings());
    }
    out.println(
        "Log:           "
            + ByteSizes.format(r.getLogBytes())
            + (r.getLogClipped() ? " (clipped: the output past the cap was not kept)" : ""));
    if (r.hasError()) {
      out.println();
      out.println("Error:         " + r.getError().getMessage());
      if (!r.getFailingStep().isEmpty()) {
        out.println("Failing Step:  " + r.getFailingStep());
      }
      if (r.getError().getExitCode() != 0) {
        out.println("Exit Code:     " + r.getError().getExitCode());
      }
      if (r.getError().getLastLogLinesCount() > 0) {
        out.println("Last Log Lines:");
        r.getError().getLastLogLinesList().forEach(l -> out.println("  " + l));
      }
    }
    if (r.getStepsCount() > 0) {
      out.println();
      Table steps = new Table("STEP", "STATUS", "DURATION");
      for (HistoryStep s : r.getStepsList()) {
        steps.row(
            s.getName(),
            s.getState().name().replace("VERTEX_STATE_", ""),
            s.hasStarted() && s.hasCompleted()
                ? seconds(between(s.getStarted(), s.getCompleted()))
                : "");
      }
      steps.print(new PrintWriter(out, true), "");
    }
  }

  /** Cached steps of all steps, in percent ("25%"), as buildx's "16/16 (25% cached)". */
  static String hitRatio(HistoryRecord r) {
    if (r.getStepsTotal() == 0) {
      return "0%";
    }
    return Math.round(100.0 * r.getStepsCached() / r.getStepsTotal()) + "%";
  }

  public static void json(HistoryRecord r, PrintStream out) {
    out.println(print(r));
  }

  public static void json(List<HistoryRecord> records, PrintStream out) {
    out.println(
        "[" + String.join(",\n", records.stream().map(HistoryPrinter::print).toList()) + "]");
  }

  private static String print(HistoryRecord r) {
    try {
      return JsonFormat.printer().print(r);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a history record is not printable as JSON", e);
    }
  }

  private static String status(BuildState s) {
    return switch (s) {
      case BUILD_STATE_SUCCEEDED -> "Completed";
      case BUILD_STATE_FAILED -> "Error";
      case BUILD_STATE_CANCELLED -> "Canceled";
      case BUILD_STATE_RUNNING -> "Running";
      default -> "Unknown";
    };
  }

  private static String time(Timestamp t) {
    return t.getSeconds() == 0 ? "" : TIME.format(instant(t));
  }

  private static String ago(Timestamp t, Instant now) {
    if (t.getSeconds() == 0) {
      return "";
    }
    long s = Math.max(0, Duration.between(instant(t), now).toSeconds());
    if (s < 60) {
      return s + " seconds ago";
    }
    if (s < 3600) {
      return s / 60 + " minutes ago";
    }
    if (s < 48 * 3600) {
      return s / 3600 + " hours ago";
    }
    return s / 86400 + " days ago";
  }

  private static String duration(HistoryRecord r) {
    if (r.getStarted().getSeconds() == 0 || r.getCompleted().getSeconds() == 0) {
      return "";
    }
    return seconds(between(r.getStarted(), r.getCompleted()));
  }

  private static Duration between(Timestamp a, Timestamp b) {
    return Duration.between(instant(a), instant(b));
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1fs", Math.max(0, d.toMillis()) / 1000.0);
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
