package io.palisade.operator.source;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.palisade.gitops.ObjectRef;
import io.palisade.gitops.PrunePlan;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.RevisionReader;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Puts one fetched revision into the cluster safely, in Flux's order: apply every valid document,
 * then prune, and only after every apply succeeded. A quarantined document's object is left as it
 * is, so its last applied version stays in force; pruning touches only the recorded inventory,
 * within the budget {@link PrunePlan} sets, and never an object opted out or now owned by another
 * source.
 */
public final class RevisionRollout {

  /** What the rollout did, and the inventory to record. */
  public record Result(
      List<ObjectRef> applied,
      Map<ObjectRef, String> failed,
      List<ObjectRef> pruned,
      List<ObjectRef> keptByAnnotation,
      Optional<String> pruneRefused,
      Map<ObjectRef, String> pruneFailed,
      List<ObjectRef> inventory) {

    public boolean applyOk() {
      return failed.isEmpty();
    }
  }

  private final PolicyApplier applier;

  public RevisionRollout(PolicyApplier applier) {
    this.applier = applier;
  }

  public Result roll(
      RevisionContent content,
      List<ObjectRef> inventory,
      SourceSpec spec,
      SourceId owner,
      Map<String, String> sourceAnnotations) {
    Set<ObjectRef> quarantined = new LinkedHashSet<>();
    content
        .quarantined()
        .forEach(q -> q.object().ifPresent(o -> quarantined.add(placed(o, owner))));
    List<ObjectRef> applied = new ArrayList<>();
    Map<ObjectRef, String> failed = new LinkedHashMap<>();
    for (ValidatedDocument doc : content.valid()) {
      ObjectRef at = placed(RevisionReader.ref(doc), owner);
      if (quarantined.contains(at) || doc.object().isEmpty()) {
        continue; // a second definition of a quarantined object: its object stays as it is
      }
      try {
        applier.apply(doc.object().get(), at, owner, Optional.of(content.revision()));
        applied.add(at);
      } catch (RuntimeException e) {
        failed.put(at, reason(e));
      }
    }
    List<ObjectRef> declared = content.declared().stream().map(o -> placed(o, owner)).toList();
    if (!spec.prune()) {
      // Objects that left Git are left in place and forgotten, so enabling prune later spares them.
      List<ObjectRef> kept = inventory.stream().filter(declared::contains).toList();
      return new Result(
          applied, failed, List.of(), List.of(), Optional.empty(), Map.of(), union(applied, kept));
    }
    return prune(content, inventory, declared, applied, failed, owner, sourceAnnotations);
  }

  private Result prune(
      RevisionContent content,
      List<ObjectRef> inventory,
      List<ObjectRef> declared,
      List<ObjectRef> applied,
      Map<ObjectRef, String> failed,
      SourceId owner,
      Map<String, String> sourceAnnotations) {
    List<PrunePlan.InventoryEntry> entries = new ArrayList<>();
    for (ObjectRef ref : inventory) {
      if (declared.contains(ref)) {
        entries.add(new PrunePlan.InventoryEntry(ref, Map.of()));
        continue;
      }
      // Gone already, or taken over by another source: no longer ours to delete or record.
      applier
          .annotations(ref)
          .filter(a -> owner.toString().equals(a.get(SourceId.ANNOTATION)))
          .ifPresent(a -> entries.add(new PrunePlan.InventoryEntry(ref, a)));
    }
    List<ObjectRef> still = entries.stream().map(PrunePlan.InventoryEntry::ref).toList();
    PrunePlan.Decision decision =
        PrunePlan.plan(
            failed.isEmpty(),
            entries,
            declared,
            content.unreadableFiles(),
            PrunePlan.budget(sourceAnnotations));
    return switch (decision) {
      case PrunePlan.Decision.Refused r ->
          new Result(
              applied,
              failed,
              List.of(),
              List.of(),
              Optional.of(r.reason()),
              Map.of(),
              union(applied, still));
      case PrunePlan.Decision.Prune p -> {
        List<ObjectRef> pruned = new ArrayList<>();
        Map<ObjectRef, String> pruneFailed = new LinkedHashMap<>();
        for (ObjectRef ref : p.delete()) {
          try {
            applier.delete(ref);
            pruned.add(ref);
          } catch (RuntimeException e) {
            pruneFailed.put(ref, reason(e));
          }
        }
        List<ObjectRef> left =
            still.stream().filter(r -> !pruned.contains(r) && !p.kept().contains(r)).toList();
        yield new Result(
            applied, failed, pruned, p.kept(), Optional.empty(), pruneFailed, union(applied, left));
      }
    };
  }

  private static ObjectRef placed(ObjectRef ref, SourceId owner) {
    return PolicyApplier.placed(ref, owner);
  }

  private static List<ObjectRef> union(List<ObjectRef> a, List<ObjectRef> b) {
    Set<ObjectRef> all = new LinkedHashSet<>(a);
    all.addAll(b);
    return all.stream().sorted(Comparator.comparing(ObjectRef::id)).toList();
  }

  /** The API server's own message when it gave one, else the client's. */
  static String reason(RuntimeException e) {
    if (e instanceof KubernetesClientException k
        && k.getStatus() != null
        && k.getStatus().getMessage() != null) {
      return k.getStatus().getMessage();
    }
    return String.valueOf(e.getMessage());
  }
}
