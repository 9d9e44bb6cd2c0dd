package io.palisade.policy.reach;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cells of {@link ReachabilityMatrix} whose verdict changes from one cluster policy ({@code
 * before}) to another ({@code after}) over the same pods. A cell's verdict depends only on the two
 * pods' identities, so pods are grouped by their pair of identities (before, after) and each pair
 * of groups is decided once: counting costs groups² lookups per port however many pods share an
 * identity, and listing decides a changed pair once for all its pods.
 */
public final class ReachabilityDiff {

  /**
   * How many cells widened and narrowed; {@code complete} is false when the count stopped at its
   * budget of group pairs, and the counts are then those of the pairs decided so far.
   */
  public record Counts(long widened, long narrowed, boolean complete) {}

  private ReachabilityDiff() {}

  /** Every changed cell, widened cells first, each group in the matrix's order. */
  public static List<CellChange> changes(
      ClusterPolicy before, ClusterPolicy after, List<CellPort> ports) {
    Groups groups = Groups.of(before, after);
    List<CellChange> out = new ArrayList<>();
    for (CellPort p : ports) {
      Map<Long, Outcome[]> decided = new LinkedHashMap<>();
      for (int i = 0; i < groups.pods(); i++) {
        for (int j = 0; j < groups.pods(); j++) {
          if (i == j) {
            continue;
          }
          int a = groups.groupOf(i);
          int b = groups.groupOf(j);
          Outcome[] v = decided.computeIfAbsent(pairKey(a, b), k -> groups.decide(a, b, p));
          if (v[0] != v[1]) {
            out.add(change(before, after, groups, i, j, p, v[0], v[1]));
          }
        }
      }
    }
    out.sort(Comparator.comparing((CellChange c) -> !c.widened()));
    return out;
  }

  /**
   * The numbers of widened and narrowed cells, deciding at most {@code maxPairs} pairs of identity
   * groups over all ports.
   */
  public static Counts count(
      ClusterPolicy before, ClusterPolicy after, List<CellPort> ports, long maxPairs) {
    Groups groups = Groups.of(before, after);
    long widened = 0;
    long narrowed = 0;
    long decided = 0;
    for (CellPort p : ports) {
      for (int a = 0; a < groups.count(); a++) {
        for (int b = 0; b < groups.count(); b++) {
          long cells = (long) groups.size(a) * groups.size(b) - (a == b ? groups.size(a) : 0);
          if (cells == 0) {
            continue;
          }
          if (++decided > maxPairs) {
            return new Counts(widened, narrowed, false);
          }
          Outcome[] v = groups.decide(a, b, p);
          if (v[0] != v[1]) {
            if (CellChange.rank(v[1]) > CellChange.rank(v[0])) {
              widened += cells;
            } else {
              narrowed += cells;
            }
          }
        }
      }
    }
    return new Counts(widened, narrowed, true);
  }

  private static CellChange change(
      ClusterPolicy before,
      ClusterPolicy after,
      Groups groups,
      int i,
      int j,
      CellPort p,
      Outcome was,
      Outcome now) {
    CellChange probe = new CellChange("", "", p, was, now, "");
    String rule =
        probe.widened()
            ? VerdictCause.of(after, groups.after(i), groups.after(j), p, now)
            : VerdictCause.of(before, groups.before(i), groups.before(j), p, was);
    return new CellChange(groups.after(i).name(), groups.after(j).name(), p, was, now, rule);
  }

  private static long pairKey(int a, int b) {
    return ((long) a << 32) | b;
  }

  /** The pods present on both sides, by name, grouped by their (before, after) identities. */
  private record Groups(
      ClusterPolicy beforePolicy,
      ClusterPolicy afterPolicy,
      List<FlowEndpoint> beforePods,
      List<FlowEndpoint> afterPods,
      int[] groupOfPod,
      List<Integer> representative,
      List<Integer> second,
      List<Integer> sizes) {

    static Groups of(ClusterPolicy before, ClusterPolicy after) {
      Map<String, FlowEndpoint> afterByName = new LinkedHashMap<>();
      after.pods().forEach(e -> afterByName.put(e.name(), e));
      List<FlowEndpoint> b = new ArrayList<>();
      List<FlowEndpoint> a = new ArrayList<>();
      for (FlowEndpoint e : before.pods()) {
        FlowEndpoint other = afterByName.get(e.name());
        if (other != null) {
          b.add(e);
          a.add(other);
        }
      }
      Map<List<Long>, Integer> index = new LinkedHashMap<>();
      int[] groupOf = new int[b.size()];
      List<Integer> reps = new ArrayList<>();
      List<Integer> seconds = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (int i = 0; i < b.size(); i++) {
        List<Long> key = List.of(b.get(i).identity().id(), a.get(i).identity().id());
        int at = i;
        int g =
            index.computeIfAbsent(
                key,
                k -> {
                  reps.add(at);
                  seconds.add(-1);
                  sizes.add(0);
                  return reps.size() - 1;
                });
        groupOf[i] = g;
        sizes.set(g, sizes.get(g) + 1);
        if (sizes.get(g) == 2) {
          seconds.set(g, i);
        }
      }
      return new Groups(before, after, b, a, groupOf, reps, seconds, sizes);
    }

    int pods() {
      return beforePods.size();
    }

    int count() {
      return representative.size();
    }

    int size(int group) {
      return sizes.get(group);
    }

    int groupOf(int pod) {
      return groupOfPod[pod];
    }

    FlowEndpoint before(int pod) {
      return beforePods.get(pod);
    }

    FlowEndpoint after(int pod) {
      return afterPods.get(pod);
    }

    /** The verdicts before and after between two groups' representatives. */
    Outcome[] decide(int a, int b, CellPort p) {
      int from = representative.get(a);
      // Two pods of one group: its second member stands for the destination.
      int to = a == b ? second.get(b) : representative.get(b);
      return new Outcome[] {
        ReachabilityMatrix.verdict(beforePolicy, before(from), before(to), p),
        ReachabilityMatrix.verdict(afterPolicy, after(from), after(to), p)
      };
    }
  }
}
