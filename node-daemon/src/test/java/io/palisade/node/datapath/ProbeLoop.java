package io.palisade.node.datapath;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Probes a set of flows round after round in the background, remembering every disagreement. */
final class ProbeLoop {

  private final DatapathFixture node;
  private final List<Flow> flows;
  private final List<String> mismatches = new ArrayList<>();
  private volatile boolean running = true;
  private volatile int rounds;
  private volatile RuntimeException failure;
  private Thread thread;

  private ProbeLoop(DatapathFixture node, List<Flow> flows) {
    this.node = node;
    this.flows = flows;
  }

  static ProbeLoop start(DatapathFixture node, List<Flow> flows) {
    ProbeLoop l = new ProbeLoop(node, flows);
    l.thread = Thread.ofPlatform().name("probe-loop").start(l::run);
    return l;
  }

  private void run() {
    try {
      while (running) {
        Map<Flow, String> bad = node.check(flows);
        synchronized (mismatches) {
          bad.forEach((f, why) -> mismatches.add("round " + rounds + ": " + f + ": " + why));
        }
        rounds++;
      }
    } catch (RuntimeException e) {
      failure = e; // a probe that could not run: reported by awaitRounds and stop
      running = false;
    }
  }

  private void rethrowFailure() {
    if (failure != null) {
      throw new AssertionError("the probe loop could not probe at round " + rounds, failure);
    }
  }

  int rounds() {
    return rounds;
  }

  void awaitRounds(int n) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (rounds < n && failure == null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    rethrowFailure();
    if (rounds < n) {
      throw new AssertionError("probe loop stalled at round " + rounds);
    }
  }

  void stop() throws InterruptedException {
    running = false;
    thread.join();
    rethrowFailure();
  }

  List<String> mismatches() {
    synchronized (mismatches) {
      return List.copyOf(mismatches);
    }
  }
}
