package dev.slipway.cli.command;

import dev.slipway.cli.history.HistorySource;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.progress.ProgressPrinter;
import dev.slipway.cli.usage.UsageException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code slipway history logs [REF]}: a finished build's kept log, as it printed live. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Print a finished build's kept log, as --progress plain printed it.")
public final class HistoryLogsCommand implements Callable<Integer> {

  @Mixin HistoryRefArgument ref;

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "plain",
      description = "plain, tty or rawjson (default plain).")
  String progress;

  @Mixin HistoryFlags flags;

  @Override
  public Integer call() throws Exception {
    if (!ProgressPrinter.MODES.contains(progress)
        || progress.equals("quiet")
        || progress.equals("auto")) {
      throw new UsageException("--progress " + progress + ": use plain, tty or rawjson");
    }
    Optional<HistorySource> opened = flags.open();
    if (opened.isEmpty()) {
      return 0;
    }
    try (HistorySource source = opened.get()) {
      String id = ref.resolve(source);
      Invocation invocation = Invocation.current();
      ProgressPrinter printer =
          ProgressPrinter.create(
              progress, invocation.stdout(), progress.equals("tty"), invocation.columns());
      source.logs(id, printer);
      printer.finish();
      return 0;
    }
  }
}
