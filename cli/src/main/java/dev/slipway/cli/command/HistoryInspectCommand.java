package dev.slipway.cli.command;

import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.cli.history.HistoryPrinter;
import dev.slipway.cli.history.HistorySource;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code slipway history inspect [REF]}: one finished build in full. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description =
        "Show a finished build: times, steps cached and executed, cache hit ratio, digest, refs,"
            + " error with the failing step and its last log lines, and its steps.")
public final class HistoryInspectCommand implements Callable<Integer> {

  @Mixin HistoryRefArgument ref;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "pretty",
      description = "pretty or json (default pretty).")
  String format;

  @Mixin HistoryFlags flags;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("pretty") && !format.equals("json")) {
      throw new UsageException("--format " + format + ": use pretty or json");
    }
    Optional<HistorySource> opened = flags.open();
    if (opened.isEmpty()) {
      return 0;
    }
    try (HistorySource source = opened.get()) {
      String id = ref.resolve(source);
      HistoryRecord record = source.inspect(id);
      var out = Invocation.current().stdout();
      if (format.equals("json")) {
        HistoryPrinter.json(record, out);
      } else {
        HistoryPrinter.details(record, out);
      }
      return 0;
    }
  }
}
