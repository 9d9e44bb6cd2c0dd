package io.palisade.operator.source;

import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.palisade.InventoryEntry;
import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.crds.palisade.QuarantinedDocument;
import io.palisade.crds.palisade.ReachabilityChange;
import io.palisade.crds.palisade.SourceArtifact;
import io.palisade.crds.palisade.SourceHistoryEntry;
import io.palisade.crds.palisade.SourceInventory;
import io.palisade.gitops.ObjectRef;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.SourceSync;
import io.palisade.gitops.SpecError;
import io.palisade.operator.status.PolicyConditions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Builds a PolicySource's status from what one reconcile found, without I/O: kstatus {@code Ready},
 * {@code Reconciling} and {@code Stalled} for the generation, the artifact and revisions, a history
 * of the last {@value #HISTORY} outcomes, the inventory and the quarantined documents. What a
 * failure does not replace (inventory, last applied revision) is carried over from the previous
 * status, so a failed fetch never reads as an empty source.
 */
public final class SourceStatusBuilder {

  public static final int HISTORY = 5;

  /** What one reconcile of a source found. */
  public sealed interface Sync {
    /** First sight of this generation: the sync is about to run. */
    record Started() implements Sync {}

    record InvalidSpec(List<SpecError> errors) implements Sync {}

    record Suspended() implements Sync {}

    /** Fetch, verification or read failed: nothing changed in the cluster. */
    record Failed(SourceSync.Stage stage, String reason) implements Sync {}

    /** A revision was fetched and rolled out, completely or not. */
    record Rolled(RevisionContent content, RevisionRollout.Result rollout) implements Sync {}
  }

  private SourceStatusBuilder() {}

  public static PolicySourceStatus build(
      long generation,
      Optional<PolicySourceStatus> previous,
      Sync sync,
      Optional<String> webhookPath,
      Optional<String> handledRequest,
      Instant now) {
    String at = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Optional<PolicySourceStatus> p = previous;
    String lastApplied = p.map(PolicySourceStatus::lastAppliedRevision).orElse(null);
    Verdict v = verdict(sync, lastApplied, p);
    List<PolicyCondition> before = p.map(PolicySourceStatus::conditions).orElse(null);
    List<PolicyCondition> conditions =
        List.of(
            PolicyConditions.next(
                before, "Ready", v.ready(), v.reason(), v.message(), generation, at),
            PolicyConditions.next(
                before,
                "Reconciling",
                v.reconciling() ? "True" : "False",
                v.reconciling() ? v.progressReason() : v.reason(),
                v.reconciling() ? v.message() : "",
                generation,
                at),
            PolicyConditions.next(
                before,
                "Stalled",
                v.stalled() ? "True" : "False",
                v.reason(),
                v.stalled() ? v.message() : "",
                generation,
                at));
    SourceArtifact artifact = p.map(PolicySourceStatus::artifact).orElse(null);
    String lastAttempted = p.map(PolicySourceStatus::lastAttemptedRevision).orElse(null);
    List<SourceHistoryEntry> history =
        p.map(PolicySourceStatus::history).orElse(null) == null ? List.of() : p.get().history();
    SourceInventory inventory = p.map(PolicySourceStatus::inventory).orElse(null);
    List<QuarantinedDocument> quarantined = p.map(PolicySourceStatus::quarantined).orElse(null);
    if (sync instanceof Sync.Rolled r) {
      RevisionContent c = r.content();
      artifact =
          artifact != null && c.revision().equals(artifact.revision())
              ? artifact
              : new SourceArtifact(c.revision(), c.digest(), at);
      lastAttempted = c.revision();
      if (r.rollout().applyOk()) {
        lastApplied = c.revision();
      }
      history = history(history, new SourceHistoryEntry(c.revision(), c.digest(), at, v.reason()));
      inventory =
          new SourceInventory(
              r.rollout().inventory().stream().map(SourceStatusBuilder::entry).toList());
      quarantined = c.quarantined().stream().map(SourceStatusBuilder::quarantined).toList();
    }
    return new PolicySourceStatus(
        generation,
        conditions,
        artifact,
        lastApplied,
        lastAttempted,
        handledRequest.orElse(p.map(PolicySourceStatus::lastHandledReconcileAt).orElse(null)),
        history.isEmpty() ? null : history,
        inventory,
        quarantined == null || quarantined.isEmpty() ? null : quarantined,
        webhookPath.orElse(null),
        p.map(PolicySourceStatus::reachability).orElse(null));
  }

  /**
   * The status with revisions' reachability changes (oldest first) put first in {@code
   * reachability}, newest first, which keeps the last {@value #HISTORY} revisions counted.
   */
  public static PolicySourceStatus withReachability(
      PolicySourceStatus s, List<ReachabilityChange> changes) {
    if (changes.isEmpty()) {
      return s;
    }
    List<ReachabilityChange> next = s.reachability() == null ? List.of() : s.reachability();
    for (ReachabilityChange change : changes) {
      next =
          Stream.concat(
                  Stream.of(change),
                  next.stream().filter(c -> !c.revision().equals(change.revision())))
              .limit(HISTORY)
              .toList();
    }
    return new PolicySourceStatus(
        s.observedGeneration(),
        s.conditions(),
        s.artifact(),
        s.lastAppliedRevision(),
        s.lastAttemptedRevision(),
        s.lastHandledReconcileAt(),
        s.history(),
        s.inventory(),
        s.quarantined(),
        s.webhookPath(),
        next);
  }

  /** The inventory a status records. */
  public static List<ObjectRef> inventory(Optional<PolicySourceStatus> status) {
    return status
        .map(PolicySourceStatus::inventory)
        .map(SourceInventory::entries)
        .orElse(List.of())
        .stream()
        .map(e -> new ObjectRef(e.group(), e.kind(), e.namespace(), e.name()))
        .toList();
  }

  /**
   * The event a new status calls for: one whenever the Ready condition says something new, Warning
   * unless it is good news.
   */
  public static Optional<SourceEvents.SourceEvent> event(
      Optional<PolicySourceStatus> previous, PolicySourceStatus next) {
    Optional<PolicyCondition> was = previous.flatMap(s -> ready(s.conditions()));
    PolicyCondition now = ready(next.conditions()).orElseThrow();
    if (now.reason().equals("Progressing")
        || was.map(w -> w.reason().equals(now.reason()) && w.message().equals(now.message()))
            .orElse(false)) {
      return Optional.empty();
    }
    boolean good = now.reason().equals("Applied") || now.reason().equals("Suspended");
    return Optional.of(new SourceEvents.SourceEvent(!good, now.reason(), now.message()));
  }

  /** The reason of the Ready condition, the outcome a sync is counted under. */
  public static String readyReason(PolicySourceStatus status) {
    return ready(status.conditions()).map(PolicyCondition::reason).orElse("");
  }

  private static Optional<PolicyCondition> ready(List<PolicyCondition> conditions) {
    return Optional.ofNullable(conditions).orElse(List.of()).stream()
        .filter(c -> c.type().equals("Ready"))
        .findFirst();
  }

  /** Ready's status, reason and message; whether to retry (Reconciling) or wait for a human. */
  private record Verdict(
      String ready,
      String reason,
      String message,
      boolean reconciling,
      String progressReason,
      boolean stalled) {}

  private static Verdict verdict(Sync sync, String lastApplied, Optional<PolicySourceStatus> p) {
    String stays =
        lastApplied == null
            ? "nothing was applied from this source"
            : "revision " + lastApplied + " stays applied";
    return switch (sync) {
      case Sync.Started s ->
          new Verdict("Unknown", "Progressing", "syncing", true, "Progressing", false);
      case Sync.InvalidSpec i ->
          stalled(
              "InvalidSpec",
              i.errors().stream()
                  .map(SpecError::toString)
                  .reduce((a, b) -> a + "; " + b)
                  .orElse(""));
      case Sync.Suspended s ->
          new Verdict(
              p.flatMap(x -> ready(x.conditions())).map(PolicyCondition::status).orElse("Unknown"),
              "Suspended",
              "syncing is suspended; " + stays,
              false,
              "",
              false);
      case Sync.Failed f ->
          switch (f.stage()) {
            case FETCH ->
                new Verdict(
                    "False",
                    "FetchFailed",
                    f.reason() + "; " + stays,
                    true,
                    "ProgressingWithRetry",
                    false);
            case VERIFY ->
                stalled("VerificationFailed", f.reason() + "; nothing of it was applied, " + stays);
            case READ -> stalled("ReadFailed", f.reason() + "; " + stays);
            case SPEC -> stalled("InvalidSpec", f.reason());
          };
      case Sync.Rolled r -> rolled(r.content(), r.rollout());
    };
  }

  private static Verdict stalled(String reason, String message) {
    return new Verdict("False", reason, message, false, "", true);
  }

  private static Verdict rolled(RevisionContent c, RevisionRollout.Result r) {
    List<String> problems = new ArrayList<>();
    r.failed().forEach((ref, why) -> problems.add("cannot apply " + ref + ": " + why));
    if (!c.quarantined().isEmpty()) {
      problems.add(
          c.quarantined().size()
              + " document(s) quarantined, their objects keep the last applied version: "
              + String.join(
                  " | ",
                  c.quarantined().stream().map(q -> String.join("; ", q.errors())).toList()));
    }
    r.pruneRefused().ifPresent(why -> problems.add("prune refused: " + why));
    r.pruneFailed().forEach((ref, why) -> problems.add("cannot prune " + ref + ": " + why));
    String done =
        "revision "
            + c.revision()
            + ": applied "
            + r.applied().size()
            + (r.pruned().isEmpty() ? "" : ", pruned " + r.pruned())
            + (r.keptByAnnotation().isEmpty()
                ? ""
                : ", kept " + r.keptByAnnotation() + " (palisade.io/prune: disabled)");
    if (problems.isEmpty()) {
      return new Verdict("True", "Applied", done, false, "", false);
    }
    String message = done + "; " + String.join("; ", problems);
    if (!r.applyOk() || !r.pruneFailed().isEmpty()) {
      return new Verdict("False", "ApplyFailed", message, true, "ProgressingWithRetry", false);
    }
    return stalled(c.quarantined().isEmpty() ? "PruneRefused" : "Quarantined", message);
  }

  private static List<SourceHistoryEntry> history(
      List<SourceHistoryEntry> before, SourceHistoryEntry latest) {
    if (!before.isEmpty()
        && before.getFirst().revision().equals(latest.revision())
        && before.getFirst().outcome().equals(latest.outcome())) {
      return before;
    }
    return Stream.concat(Stream.of(latest), before.stream()).limit(HISTORY).toList();
  }

  private static InventoryEntry entry(ObjectRef r) {
    return new InventoryEntry(
        r.group(), r.kind(), r.namespace().isEmpty() ? null : r.namespace(), r.name());
  }

  private static QuarantinedDocument quarantined(RevisionContent.Quarantined q) {
    return q.object()
        .map(
            o ->
                new QuarantinedDocument(
                    q.file(),
                    o.kind(),
                    o.namespace().isEmpty() ? null : o.namespace(),
                    o.name(),
                    q.errors()))
        .orElse(new QuarantinedDocument(q.file(), null, null, null, q.errors()));
  }
}
