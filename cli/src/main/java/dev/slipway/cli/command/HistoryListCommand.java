package dev.slipway.cli.command;

import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.cli.history.HistoryPrinter;
import dev.slipway.cli.history.HistorySource;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code slipway history ls}: the kept finished builds, newest first. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = "List finished builds, newest first (on a cluster: its finished BuildRequests).")
public final class HistoryListCommand implements Callable<Integer> {

  @Mixin HistoryFlags flags;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table or json (default table).")
  String format;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("table") && !format.equals("json")) {
      throw new UsageException("--format " + format + ": use table or json");
    }
    Optional<HistorySource> opened = flags.open();
    if (opened.isEmpty()) {
      return 0;
    }
    try (HistorySource source = opened.get()) {
      List<HistoryRecord> records = source.list();
      var out = Invocation.current().stdout();
      if (format.equals("json")) {
        HistoryPrinter.json(records, out);
      } else {
        HistoryPrinter.table(records, out, Instant.now());
      }
      return 0;
    }
  }
}
