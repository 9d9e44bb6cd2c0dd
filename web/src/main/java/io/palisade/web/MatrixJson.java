package io.palisade.web;

import io.palisade.policy.flow.Outcome;
import io.palisade.policy.reach.CellPort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/matrix}'s body: {@code {"level","ports","subjects","cells":[{"from","to","port",
 * "verdict","allowed","redirected","denied"}]}}, counts in pod pairs.
 */
final class MatrixJson {

  private MatrixJson() {}

  static Map<String, Object> of(ConnectivityMatrix.Matrix m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("level", m.level().name().toLowerCase(java.util.Locale.ROOT));
    out.put("ports", m.ports().stream().map(CellPort::toString).toList());
    out.put("subjects", m.subjects());
    List<Map<String, Object>> cells = new ArrayList<>();
    for (ConnectivityMatrix.Cell c : m.cells()) {
      Map<String, Object> cell = new LinkedHashMap<>();
      cell.put("from", c.from());
      cell.put("to", c.to());
      cell.put("port", c.port().toString());
      cell.put("verdict", c.verdict());
      cell.put("allowed", c.counts().getOrDefault(Outcome.ALLOWED, 0L));
      cell.put("redirected", c.counts().getOrDefault(Outcome.REDIRECTED, 0L));
      cell.put("denied", c.counts().getOrDefault(Outcome.DENIED, 0L));
      cells.add(cell);
    }
    out.put("cells", cells);
    return out;
  }
}
