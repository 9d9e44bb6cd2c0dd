package io.palisade.web;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.Outcome;
import io.palisade.policy.reach.CellPort;
import io.palisade.policy.reach.ReachabilityMatrix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The connectivity matrix the page draws, by pod or by namespace, each cell decided by {@link
 * ReachabilityMatrix#verdict} (what the datapath does). A namespace cell counts the pod pairs
 * between the two namespaces by verdict; its verdict is theirs when they agree and {@code MIXED}
 * otherwise. Pods are grouped by (namespace, identity): pods of one group decide alike, so the cost
 * is groups² lookups per port however many pods share an identity.
 */
final class ConnectivityMatrix {

  /** Whether a cell is one pod to another or one namespace to another. */
  enum Level {
    POD,
    NAMESPACE
  }

  /** Beyond this many pods a pod x pod table is no longer readable: use namespaces. */
  static final int MAX_PODS = 200;

  private ConnectivityMatrix() {}

  /** One cell, with how many pod pairs it stands for by verdict. */
  record Cell(String from, String to, CellPort port, Map<Outcome, Long> counts) {

    String verdict() {
      if (counts.isEmpty()) {
        return "NONE";
      }
      return counts.size() == 1 ? counts.keySet().iterator().next().name() : "MIXED";
    }
  }

  /** The subjects (pods or namespaces, sorted) and every cell, port by port. */
  record Matrix(Level level, List<CellPort> ports, List<String> subjects, List<Cell> cells) {}

  static Matrix of(ClusterPolicy cp, List<CellPort> ports, Level level) {
    List<FlowEndpoint> pods = cp.pods();
    Map<String, Group> groups = new LinkedHashMap<>();
    TreeSet<String> subjects = new TreeSet<>();
    for (FlowEndpoint pod : pods) {
      String subject = subject(pod, level);
      subjects.add(subject);
      String key = level == Level.POD ? pod.name() : subject + "|" + pod.identity().id();
      groups.computeIfAbsent(key, k -> new Group(subject, new ArrayList<>())).members().add(pod);
    }
    List<Cell> cells = new ArrayList<>();
    for (CellPort port : ports) {
      Map<String, Map<String, Map<Outcome, Long>>> table = new LinkedHashMap<>();
      for (String from : subjects) {
        for (String to : subjects) {
          table.computeIfAbsent(from, k -> new LinkedHashMap<>()).put(to, new LinkedHashMap<>());
        }
      }
      Map<List<Long>, Outcome> decided = new HashMap<>();
      for (Group a : groups.values()) {
        for (Group b : groups.values()) {
          long pairs = a == b ? a.size() * (a.size() - 1L) : (long) a.size() * b.size();
          if (pairs == 0) {
            continue;
          }
          FlowEndpoint src = a.members().get(0);
          // Within one group a pod never reaches itself: its second member is the destination.
          FlowEndpoint dst = a == b ? a.members().get(1) : b.members().get(0);
          Outcome o =
              decided.computeIfAbsent(
                  List.of(src.identity().id(), dst.identity().id()),
                  k -> ReachabilityMatrix.verdict(cp, src, dst, port));
          table.get(a.subject()).get(b.subject()).merge(o, pairs, Long::sum);
        }
      }
      table.forEach(
          (from, row) -> row.forEach((to, counts) -> cells.add(new Cell(from, to, port, counts))));
    }
    if (level == Level.POD) {
      // A pod to itself is no cell.
      cells.removeIf(c -> c.from().equals(c.to()));
    }
    return new Matrix(level, ports, List.copyOf(subjects), cells);
  }

  private static String subject(FlowEndpoint pod, Level level) {
    if (level == Level.POD) {
      return pod.name();
    }
    return pod.pod().map(p -> p.namespace()).orElse(pod.name());
  }

  private record Group(String subject, List<FlowEndpoint> members) {
    int size() {
      return members.size();
    }
  }
}
