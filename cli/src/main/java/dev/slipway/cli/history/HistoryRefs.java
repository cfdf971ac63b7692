package dev.slipway.cli.history;

import dev.slipway.api.control.v1.HistoryRecord;
import java.util.List;

/**
 * Turns what the user typed into a record's id, as {@code buildx history} does: nothing or {@code
 * ^0} for the newest, {@code ^N} for the N-th before it, else an id or a prefix of exactly one id.
 */
public final class HistoryRefs {
  private HistoryRefs() {}

  /**
   * @param newestFirst the records to choose from, as {@link HistorySource#list} returns them
   */
  public static String resolve(String ref, List<HistoryRecord> newestFirst, String listCommand) {
    if (newestFirst.isEmpty()) {
      throw new HistoryException(
          "no finished build is kept here yet; build one, then " + listCommand);
    }
    if (ref == null || ref.isEmpty()) {
      return newestFirst.getFirst().getBuildId();
    }
    if (ref.startsWith("^")) {
      int n;
      try {
        n = Integer.parseInt(ref.substring(1));
      } catch (NumberFormatException e) {
        throw new HistoryException(
            ref + ": an offset is ^N with N a number (^0 the newest build, ^1 the one before)");
      }
      if (n < 0 || n >= newestFirst.size()) {
        throw new HistoryException(
            ref
                + ": only "
                + newestFirst.size()
                + " finished builds are kept (^0 to ^"
                + (newestFirst.size() - 1)
                + "); "
                + listCommand
                + " lists them");
      }
      return newestFirst.get(n).getBuildId();
    }
    List<String> matches =
        newestFirst.stream().map(HistoryRecord::getBuildId).filter(ref::equals).toList();
    if (matches.isEmpty()) {
      matches =
          newestFirst.stream()
              .map(HistoryRecord::getBuildId)
              .filter(id -> id.startsWith(ref))
              .toList();
    }
    if (matches.size() == 1) {
      return matches.getFirst();
    }
    if (matches.isEmpty()) {
      throw new HistoryException(
          "no finished build " + ref + " is kept here; " + listCommand + " lists the kept ones");
    }
    throw new HistoryException(
        ref
            + " is the start of "
            + matches.size()
            + " build ids ("
            + String.join(", ", matches.subList(0, Math.min(3, matches.size())))
            + (matches.size() > 3 ? ", …" : "")
            + "); type more of the id");
  }
}
