package dev.slipway.cli.command;

import dev.slipway.api.control.v1.PruneRequest;
import dev.slipway.api.control.v1.PruneResponse;
import dev.slipway.cli.invocation.Invocation;
import dev.slipway.cli.invocation.LocalEngines;
import dev.slipway.cli.table.ByteSizes;
import dev.slipway.cli.table.CacheTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code slipway prune}: frees space in the local engine's cache, like {@code buildx prune}. */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description =
        "Remove build cache of the local engine, least recently used first; what running builds"
            + " use is kept.")
public final class PruneCommand implements Callable<Integer> {

  @Mixin StateDirectory state;

  @Option(
      names = "--keep-storage",
      paramLabel = "SIZE",
      description = "Amount of disk space to keep for cache (e.g. 10GB).")
  String keepStorage;

  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      description = "Provide filter values (e.g. until=24h, type=exec.cachemount).")
  List<String> filters = new ArrayList<>();

  @Option(
      names = "--all",
      description = "Remove everything not in use, ignoring --keep-storage and until=.")
  boolean all;

  @Option(
      names = {"-f", "--force"},
      description = "Do not prompt for confirmation.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    PruneRequest.Builder request = PruneRequest.newBuilder().setAll(all).addAllFilters(filters);
    try {
      if (keepStorage != null) {
        request.setKeepBytes(ByteSizes.parse(keepStorage));
      }
      dev.slipway.engine.cache.PrunePolicy.of(request.build());
    } catch (IllegalArgumentException e) {
      Invocation.current().err().println("ERROR: " + e.getMessage());
      return 2;
    }
    if (!force && !confirmed()) {
      return 1;
    }
    PruneResponse pruned;
    try (LocalEngines.Lease engine = Invocation.current().engines().open(state.path())) {
      pruned = engine.engine().prune(request.build());
    }
    PrintStream out = Invocation.current().stdout();
    CacheTable.print(out, pruned.getRemovedList(), Instant.now());
    out.printf("Total:\t%s%n", ByteSizes.format(pruned.getReclaimedBytes()));
    return 0;
  }

  private boolean confirmed() throws java.io.IOException {
    PrintStream out = Invocation.current().stdout();
    out.print(
        "WARNING! This will remove "
            + (all ? "all" : "unused")
            + " build cache of "
            + state.path()
            + ". Are you sure you want to continue? [y/N] ");
    out.flush();
    String answer =
        new BufferedReader(
                new InputStreamReader(Invocation.current().stdin(), StandardCharsets.UTF_8))
            .readLine();
    return answer != null && answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y");
  }
}
