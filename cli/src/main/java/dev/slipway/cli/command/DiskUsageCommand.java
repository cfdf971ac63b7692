package dev.slipway.cli.command;

import dev.slipway.api.control.v1.DiskUsageResponse;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.invocation.LocalEngines;
import dev.slipway.cli.table.ByteSizes;
import dev.slipway.cli.table.CacheTable;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code slipway du}: what the local engine's cache holds on disk, like {@code buildx du}. */
@Command(
    name = "du",
    mixinStandardHelpOptions = true,
    description = "Show the disk usage of the local build cache (in use items are marked *).")
public final class DiskUsageCommand implements Callable<Integer> {

  @Mixin StateDirectory state;

  @Override
  public Integer call() throws Exception {
    DiskUsageResponse du;
    Invocation invocation = Invocation.current();
    try (LocalEngines.Lease engine = invocation.engines().open(state.path())) {
      du = engine.engine().diskUsage();
    }
    PrintStream out = invocation.stdout();
    CacheTable.print(out, du.getRecordsList(), Instant.now());
    if (du.getRecordsCount() > 0) {
      out.println();
    }
    out.printf("Reclaimable:\t%s%n", ByteSizes.format(du.getReclaimableBytes()));
    out.printf("Total:\t\t%s%n", ByteSizes.format(du.getTotalBytes()));
    return 0;
  }
}
