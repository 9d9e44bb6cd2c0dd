package io.palisade.benchmarks;

import io.palisade.policy.identity.Identity;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.resolve.PolicyEngine;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before anything is timed, that each benchmark and its baseline compute the same thing:
 * the naive MapStates equal the engine's, and after an incremental addition (and its removal) every
 * policy equals one recomputed from scratch. A benchmark against a baseline that computes something
 * else would measure nothing.
 */
final class ResolutionChecks {

  /** How many arrivals are checked against a recomputation from scratch (each costs two). */
  private static final int CHECKED_ARRIVALS = 2;

  /**
   * Every how many subjects is checked against the naive resolver, which needs about 10 ms a
   * subject; {@code 1} checks them all.
   */
  private final int naiveStride;

  private final Workload workload;
  private final List<String> failures = new ArrayList<>();

  ResolutionChecks(Workload workload, int naiveStride) {
    this.workload = workload;
    this.naiveStride = naiveStride;
  }

  /** The failures found, empty when the engine and both baselines agree. */
  List<String> run() {
    PolicyEngine engine = FullResolutionBenchmark.resolveAll(workload);
    NaiveResolver naive =
        new NaiveResolver(workload.rules(), workload.identities(), workload.namedPorts());
    List<Identity> subjects = FullResolutionBenchmark.subjectIdentities(workload);
    for (int i = 0; i < subjects.size(); i += naiveStride) {
      Identity subject = subjects.get(i);
      MapState expected = naive.mapState(subject);
      if (!engine.policyFor(subject.id()).mapState().equals(expected)) {
        failures.add("naive and engine MapStates differ for subject " + subject);
      }
    }
    for (Workload.PodIdentity arriving :
        workload.arrivals().subList(0, Math.min(CHECKED_ARRIVALS, workload.arrivals().size()))) {
      engine.upsertIdentity(arriving.identity(), arriving.ports());
      PolicyEngine scratch = workload.loadEngine();
      scratch.upsertIdentity(arriving.identity(), arriving.ports());
      compare(engine, scratch, "after adding " + arriving.identity().id());
      if (workload.isSubject(arriving.identity())) {
        compareOne(engine, scratch, arriving.identity().id(), "its own policy");
      }
      engine.removeIdentity(arriving.identity().id());
      compare(engine, workload.loadEngine(), "after removing " + arriving.identity().id());
    }
    return failures;
  }

  private void compare(PolicyEngine incremental, PolicyEngine scratch, String when) {
    for (long subject : workload.subjects()) {
      compareOne(incremental, scratch, subject, when);
    }
  }

  private void compareOne(PolicyEngine incremental, PolicyEngine scratch, long id, String when) {
    if (!incremental.policyFor(id).equals(scratch.policyFor(id))) {
      failures.add("incremental and recomputed policies differ for " + id + " " + when);
    }
  }

  /**
   * How many subjects' policies one addition changes, over every arrival: mean, median and range.
   * It varies widely, and with it the cost of one addition.
   */
  static String affected(Workload workload, PolicyEngine resolved) {
    List<Integer> counts = new ArrayList<>();
    for (Workload.PodIdentity arriving : workload.arrivals()) {
      counts.add(resolved.upsertIdentity(arriving.identity(), arriving.ports()).size());
      resolved.removeIdentity(arriving.identity().id());
    }
    counts.sort(null);
    double mean = counts.stream().mapToInt(Integer::intValue).average().orElse(0);
    return String.format(
        java.util.Locale.ROOT,
        "%.0f subjects' policies on average (median %d, range %d to %d)",
        mean,
        counts.get(counts.size() / 2),
        counts.getFirst(),
        counts.getLast());
  }
}
