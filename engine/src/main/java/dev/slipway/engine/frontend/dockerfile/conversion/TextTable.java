package dev.slipway.engine.frontend.dockerfile.conversion;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns as Go's tabwriter aligns them in buildx's output: every cell but a row's last is padded
 * to its column's widest cell plus {@code padding} spaces.
 */
final class TextTable {

  private final int padding;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(int padding) {
    this.padding = padding;
  }

  TextTable row(String... cells) {
    rows.add(List.of(cells));
    return this;
  }

  void appendTo(StringBuilder out) {
    int columns = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] width = new int[columns];
    for (List<String> r : rows) {
      for (int c = 0; c < r.size() - 1; c++) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    for (List<String> r : rows) {
      for (int c = 0; c < r.size(); c++) {
        String cell = r.get(c);
        out.append(cell);
        if (c < r.size() - 1) {
          out.append(" ".repeat(width[c] - cell.length() + padding));
        }
      }
      out.append('\n');
    }
  }
}
