package dev.errand.cli.api;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed as columns padded to their widest cell, for the API commands' lists. */
public final class Table {
  private final List<String[]> rows = new ArrayList<>();

  public Table(String... headings) {
    rows.add(headings);
  }

  public Table row(String... cells) {
    rows.add(cells);
    return this;
  }

  public boolean isEmpty() {
    return rows.size() == 1;
  }

  public void print(PrintWriter out) {
    int columns = rows.getFirst().length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], cell(row, i).length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        line.append(cell(row, i));
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - cell(row, i).length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  private static String cell(String[] row, int i) {
    return i < row.length && row[i] != null ? row[i] : "-";
  }
}
