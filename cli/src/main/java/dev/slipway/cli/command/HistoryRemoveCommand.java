package dev.slipway.cli.command;

import dev.slipway.api.control.v1.HistoryRecord;
import dev.slipway.cli.history.HistoryRefs;
import dev.slipway.cli.history.HistorySource;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.usage.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code slipway history rm REF...|--all}: forgets finished builds (their record and log). */
@Command(
    name = "rm",
    mixinStandardHelpOptions = true,
    description =
        "Remove finished builds' records and logs (on a cluster, from the builder pods; the"
            + " BuildRequests stay).")
public final class HistoryRemoveCommand implements Callable<Integer> {

  @Parameters(paramLabel = "REF", arity = "0..*", description = "Build ids, prefixes or ^N.")
  List<String> refs = List.of();

  @Option(names = "--all", description = "Every finished build this caller may see.")
  boolean all;

  @Mixin HistoryFlags flags;

  @Override
  public Integer call() throws Exception {
    if (all == !refs.isEmpty()) {
      throw new UsageException("name the builds to remove (REF...) or give --all, not both");
    }
    Optional<HistorySource> opened = flags.open();
    if (opened.isEmpty()) {
      return 0;
    }
    try (HistorySource source = opened.get()) {
      List<HistoryRecord> records = source.list();
      List<String> ids =
          all
              ? records.stream().map(HistoryRecord::getBuildId).toList()
              : refs.stream()
                  .map(r -> HistoryRefs.resolve(r, records, source.listCommand()))
                  .distinct()
                  .toList();
      List<String> failures = new ArrayList<>();
      List<String> removed = source.remove(ids, failures::add);
      var out = Invocation.current().stdout();
      removed.forEach(out::println);
      failures.forEach(f -> Invocation.current().err().println("ERROR: cannot remove " + f));
      return failures.isEmpty() ? 0 : 1;
    }
  }
}
