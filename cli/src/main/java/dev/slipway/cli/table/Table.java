package dev.slipway.cli.table;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Columns as kubectl prints them: upper-case headers, each column as wide as its widest cell. */
public final class Table {
  private final List<String[]> rows = new ArrayList<>();

  public Table(String... headers) {
    rows.add(headers);
  }

  public Table row(String... cells) {
    rows.add(cells);
    return this;
  }

  public void print(PrintWriter out, String indent) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < columns; i++) {
        line.append(
            i == columns - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
