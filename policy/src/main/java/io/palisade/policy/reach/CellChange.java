package io.palisade.policy.reach;

import io.palisade.policy.flow.Outcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cell whose verdict differs between two sets of policies, and the rule responsible: for a
 * widened cell the rule behind the new verdict, for a narrowed one the rule that let it through
 * before.
 */
public record CellChange(
    String from, String to, CellPort port, Outcome before, Outcome after, String rule) {

  /**
   * Whether more gets through after than before. Redirected ranks between denied and allowed: it is
   * dropped while no L7 proxy serves the port, and lets the requests the L7 rules allow through
   * once one does, so a change from denied to redirected is a widening a reviewer should see.
   */
  public boolean widened() {
    return rank(after) > rank(before);
  }

  /**
   * The cell as {@code palisade diff -o json} and the web page's what-if write it: {@code
   * {"from","to","port","before","after","rule"}}, in that order.
   */
  public Map<String, Object> asJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("from", from);
    m.put("to", to);
    m.put("port", port.toString());
    m.put("before", before.name());
    m.put("after", after.name());
    m.put("rule", rule);
    return m;
  }

  static int rank(Outcome o) {
    return switch (o) {
      case DENIED -> 0;
      case REDIRECTED -> 1;
      case ALLOWED -> 2;
    };
  }
}
