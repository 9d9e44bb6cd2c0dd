package io.palisade.policy.reach;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod x pod x port cells of a cluster policy, each decided as the datapath decides it (a
 * MapState lookup on both sides); a pod to itself is no cell. The one computation behind {@code
 * palisade matrix} and {@code palisade diff}.
 */
public final class ReachabilityMatrix {

  /** One cell: a source pod, a destination pod, a port, and what the datapath does. */
  public record Cell(FlowEndpoint from, FlowEndpoint to, CellPort port, Outcome outcome) {}

  private ReachabilityMatrix() {}

  /** The verdict of one cell. */
  public static Outcome verdict(ClusterPolicy cp, FlowEndpoint from, FlowEndpoint to, CellPort p) {
    return cp.decide(from, to, p.protocol().number(), p.port()).outcome();
  }

  /** Every cell, port by port, then sources and destinations by {@code namespace/name}. */
  public static List<Cell> cells(ClusterPolicy cp, List<CellPort> ports) {
    List<FlowEndpoint> pods = cp.pods();
    List<Cell> out = new ArrayList<>();
    for (CellPort p : ports) {
      for (FlowEndpoint from : pods) {
        for (FlowEndpoint to : pods) {
          if (from != to) {
            out.add(new Cell(from, to, p, verdict(cp, from, to, p)));
          }
        }
      }
    }
    return out;
  }
}
