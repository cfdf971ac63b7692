package dev.slipway.cli.command;

import dev.slipway.cli.history.HistoryRefs;
import dev.slipway.cli.history.HistorySource;
import picocli.CommandLine.Parameters;

/** The one finished build that {@code history inspect} and {@code history logs} are about. */
public final class HistoryRefArgument {

  @Parameters(
      paramLabel = "REF",
      arity = "0..1",
      description =
          "A build id, a unique prefix of one, or ^N (^0 the newest, the default); on a cluster,"
              + " the BuildRequest's name.")
  String ref;

  /** The build id REF names among what {@code source} keeps. */
  String resolve(HistorySource source) {
    return HistoryRefs.resolve(ref, source.list(), source.listCommand());
  }
}
