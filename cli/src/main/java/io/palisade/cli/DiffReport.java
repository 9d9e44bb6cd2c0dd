package io.palisade.cli;

import io.palisade.policy.reach.CellChange;
import io.palisade.policy.reach.CellPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The changed cells of a what-if diff as people (a table), programs (JSON, YAML) and pull-request
 * comments (Markdown) read them; widened cells come first in all three.
 */
record DiffReport(List<CellChange> changes, int pods, List<CellPort> ports) {

  private static final List<String> HEADER =
      List.of("CHANGE", "FROM", "TO", "PORT", "BEFORE", "AFTER", "RULE");

  long widened() {
    return changes.stream().filter(CellChange::widened).count();
  }

  long narrowed() {
    return changes.size() - widened();
  }

  /** {@code 2 cells widened, 1 narrowed, 15 unchanged (3 pods, ports 80/TCP, 53/UDP)}. */
  String summary() {
    long cells = (long) pods * (pods - 1) * ports.size();
    return widened()
        + (widened() == 1 ? " cell" : " cells")
        + " widened, "
        + narrowed()
        + " narrowed, "
        + (cells - changes.size())
        + " unchanged ("
        + pods
        + (pods == 1 ? " pod" : " pods")
        + ", "
        + (ports.size() == 1 ? "port " : "ports ")
        + String.join(", ", ports.stream().map(CellPort::toString).toList())
        + ")";
  }

  String text() {
    StringBuilder sb = new StringBuilder(summary()).append('\n');
    if (changes.isEmpty()) {
      return sb.toString();
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    changes.forEach(c -> rows.add(row(c)));
    int[] width = new int[HEADER.size()];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(String.format("%-" + width[i] + "s", r.get(i))).append("  ");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }

  /** A summary line, then the table, ready to paste as a pull-request comment. */
  String markdown() {
    StringBuilder sb = new StringBuilder("**Reachability diff**: ").append(summary()).append(".\n");
    if (changes.isEmpty()) {
      return sb.toString();
    }
    sb.append("\n| change | from | to | port | before | after | rule |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (CellChange c : changes) {
      sb.append("| ")
          .append(c.widened() ? "**widened**" : "narrowed")
          .append(" | `")
          .append(c.from())
          .append("` | `")
          .append(c.to())
          .append("` | ")
          .append(c.port())
          .append(" | ")
          .append(c.before().name())
          .append(" | ")
          .append(c.after().name())
          .append(" | ")
          .append(escape(c.rule()))
          .append(" |\n");
    }
    return sb.toString();
  }

  /** The cells as {@code [{"from","to","port","before","after","rule"}]}. */
  List<Map<String, Object>> document() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (CellChange c : changes) {
      out.add(c.asJson());
    }
    return out;
  }

  private static List<String> row(CellChange c) {
    return List.of(
        c.widened() ? "widened" : "narrowed",
        c.from(),
        c.to(),
        c.port().toString(),
        c.before().name(),
        c.after().name(),
        c.rule());
  }

  /** A table cell's text: a pipe or a line break would end the cell. */
  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
  }
}
