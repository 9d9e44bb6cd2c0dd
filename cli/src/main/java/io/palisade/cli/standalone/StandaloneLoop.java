package io.palisade.cli.standalone;

import io.palisade.pipeline.Enforcement;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.pipeline.local.SnapshotIntake;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.resolve.HostTraffic;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Standalone mode's loop: one policy source and one cluster file into the pipeline the operator
 * runs, and from there to one applier (this node's datapath, or memory alone). Each change of the
 * inputs is a new generation. {@link #step} runs on one thread; status is read from others.
 */
final class StandaloneLoop {

  /** The node standalone mode stands for: every pod of the cluster file runs here. */
  static final String NODE = "local";

  private final SnapshotSource source;
  private final Path clusterFile;
  private final NodeStateApplier applier;
  private final String enforcedReason;
  private final Runnable idle;
  private final PrintWriter out;
  private final LocalPipeline pipeline;
  private String clusterStamp = "";
  private volatile List<String> fileErrors = List.of();
  private volatile String revision = "";
  private volatile long generation;
  // Generation, revision and pipeline revision written together: /readyz must never pair a
  // generation with the revision of one that is still being applied.
  private volatile Applied applied = new Applied(0, "", 0);

  private record Applied(long generation, String revision, long pipelineRevision) {}

  // The source's latest policies, when they were refused for removing too much; cleared by the
  // next snapshot taken.
  private volatile Optional<Refused> refused = Optional.empty();

  private record Refused(String revision, SnapshotIntake.Refusal refusal) {}

  /**
   * @param enforcedReason what status says once a generation is held: {@code Enforced} in a
   *     datapath, {@code Resolved} in memory
   * @param idle what to do on a step that finds no change (a datapath binds pods' veths again)
   * @param budget how much of the policies one change of the source may remove
   * @param hostTraffic whether the host reaches its pods whatever their ingress policy
   * @param node the cluster file's Node that is this machine; empty: its only Node
   */
  StandaloneLoop(
      SnapshotSource source,
      Path clusterFile,
      NodeStateApplier applier,
      String enforcedReason,
      Runnable idle,
      RemovalBudget budget,
      HostTraffic hostTraffic,
      Optional<String> node,
      PrintWriter out) {
    this.source = source;
    this.clusterFile = clusterFile;
    this.applier = applier;
    this.enforcedReason = enforcedReason;
    this.idle = idle;
    this.out = out;
    this.pipeline = new LocalPipeline(NODE, applier, budget, hostTraffic, node);
    pipeline.pipeline().reportServiceErrorsTo(e -> out.println("palisade: " + e));
  }

  LocalPipeline pipeline() {
    return pipeline;
  }

  /** How many times the inputs have changed. */
  long generation() {
    return generation;
  }

  /** The revision of the policy source last read. */
  String revision() {
    return revision;
  }

  /** Steps every {@code every}, or at once when {@code wake} is released, until interrupted. */
  void run(Duration every, Semaphore wake) throws Exception {
    while (!Thread.currentThread().isInterrupted()) {
      step();
      // A webhook call ends the wait early; several calls during one poll make one poll.
      if (wake.tryAcquire(every.toMillis(), TimeUnit.MILLISECONDS)) {
        wake.drainPermits();
      }
    }
  }

  /** Reads what changed, and applies it. */
  void step() {
    boolean clusterChanged = readCluster();
    Optional<PolicySnapshot> snapshot = source.poll();
    source.problem().ifPresent(p -> out.println("palisade: " + p + " (nothing changes)"));
    boolean policiesChanged = snapshot.map(this::take).orElse(false);
    if (policiesChanged || clusterChanged) {
      long next = generation + 1;
      report(next); // Validated; the datapath's line follows once the maps hold it.
      try {
        long r = pipeline.run();
        generation = next;
        applied = new Applied(next, revision, r);
      } catch (RuntimeException e) {
        generation = next;
        out.println("palisade: generation " + next + " not applied: " + e.getMessage());
      }
    } else {
      idle.run();
    }
    out.flush();
  }

  /** Takes a snapshot of the policies into the pipeline; false when it is refused whole. */
  private boolean take(PolicySnapshot s) {
    Optional<SnapshotIntake.Refusal> refusal = pipeline.accept(s);
    if (refusal.isPresent()) {
      refused = Optional.of(new Refused(s.revision(), refusal.get()));
      out.println(
          "palisade: the policies at "
              + s.revision()
              + " are refused: "
              + refusal.get().reason()
              + ". Nothing changes: generation "
              + generation
              + " at "
              + revision
              + " stays in force");
      return false;
    }
    refused = Optional.empty();
    fileErrors = s.fileErrors();
    revision = s.revision();
    return true;
  }

  private boolean readCluster() {
    String stamp;
    try {
      stamp =
          Files.exists(clusterFile)
              ? Files.size(clusterFile) + "@" + Files.getLastModifiedTime(clusterFile).toMillis()
              : "missing";
    } catch (java.io.IOException e) {
      out.println("palisade: " + clusterFile + ": " + e.getMessage() + " (the last good stays)");
      return false;
    }
    if (stamp.equals(clusterStamp)) {
      return false;
    }
    clusterStamp = stamp;
    ClusterFile.Result parsed = ClusterFile.read(clusterFile);
    if (!parsed.errors().isEmpty()) {
      for (FieldError e : parsed.errors()) {
        out.println("palisade: " + clusterFile + ": " + e + " (the last good cluster stays)");
      }
      return false;
    }
    try {
      pipeline.accept(parsed.contents());
    } catch (IllegalArgumentException e) {
      out.println(
          "palisade: " + clusterFile + ": " + e.getMessage() + " (the last good cluster stays)");
      return false;
    }
    return true;
  }

  private void report(long generation) {
    List<PolicyStatus> statuses = statuses();
    long invalid = statuses.stream().filter(s -> !s.valid()).count();
    out.printf(
        "palisade: generation %d at %s: %d policies, %d invalid%n",
        generation, revision, statuses.size(), invalid);
    for (PolicyStatus s : statuses) {
      for (String e : s.errors()) {
        out.println(
            "palisade:   " + s.key() + ": " + e + (s.inForce() ? " (last good copy kept)" : ""));
      }
    }
    fileErrors.forEach(e -> out.println("palisade:   " + e));
  }

  /** Every policy with its validity, what is in force of it, and how far that is enforced. */
  List<PolicyStatus> statuses() {
    ClusterInventory inventory = pipeline.inventory();
    Optional<Refused> r = refused;
    List<PolicyStatus> out = new ArrayList<>();
    for (PolicyRef ref : inventory.policies()) {
      Optional<PolicyValidation.Checked> latest = inventory.latest(ref);
      if (latest.isEmpty()) {
        continue;
      }
      PolicyValidation.Checked c = latest.get();
      Optional<Long> inForce = inventory.generationInForce(ref);
      Optional<Enforcement> enforcement =
          inForce.flatMap(g -> pipeline.pipeline().enforcement(ref, g));
      out.add(
          new PolicyStatus(
              ref.kind(),
              ref.namespace(),
              ref.name(),
              c.valid(),
              c.errors().stream().map(FieldError::toString).toList(),
              inForce.isPresent(),
              revision,
              enforcement.map(Enforcement::message),
              inventory.inForce(ref).map(PolicyValidation.Checked::hasL7Rules).orElse(false)
                  && !enforcement.map(Enforcement::complete).orElse(false),
              r.filter(x -> x.refusal().wouldRemove().contains(ref))
                  .map(
                      x ->
                          "gone from the source at "
                              + x.revision()
                              + ", but that removal is refused: "
                              + x.refusal().reason()
                              + "; the policy stays in force")));
    }
    out.sort(Comparator.comparing(PolicyStatus::key));
    return out;
  }

  StatusServer.Readiness readiness() {
    long g = generation;
    Applied a = applied;
    boolean held =
        a.generation() == g && applier.enforcedCount(List.of(NODE), a.pipelineRevision()) == 1;
    Optional<Refused> r = refused;
    boolean ready = g > 0 && held && r.isEmpty();
    String message =
        ready
            ? "ready: generation " + g + " at " + a.revision()
            : r.map(
                    x ->
                        "not ready: the policies at "
                            + x.revision()
                            + " are refused: "
                            + x.refusal().reason()
                            + "; generation "
                            + g
                            + " at "
                            + a.revision()
                            + " stays in force")
                .orElse("not ready: generation " + g + " not applied yet");
    String detail =
        enforcedReason.equals("Enforced")
            ? "enforced on 1/1 node at " + a.revision()
            : "resolved into MapState (not enforced: run with --enforce) at " + a.revision();
    return new StatusServer.Readiness(ready, g > 0 && held, message, enforcedReason, detail);
  }

  /** Why the source's latest policies are refused, if they are. */
  Optional<String> refusal() {
    return refused.map(r -> r.refusal().reason());
  }

  boolean allValid() {
    return statuses().stream().allMatch(PolicyStatus::valid) && fileErrors.isEmpty();
  }

  /** One line per policy, for people: {@code --once} with {@code -o table}. */
  void printStatuses(PrintWriter to) {
    for (PolicyStatus s : statuses()) {
      to.println(
          s.key() + ": " + (s.valid() ? "Valid" : "Invalid: " + String.join("; ", s.errors())));
    }
    to.flush();
  }
}
