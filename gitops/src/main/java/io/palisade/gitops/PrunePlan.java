package io.palisade.gitops;

import io.palisade.pipeline.RemovalBudget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, without I/O, which objects of the recorded inventory a new revision prunes, or refuses.
 *
 * <p>The contract, after Flux's build → apply → prune order: call {@link #plan} only after the
 * revision's valid policies were applied successfully (a failed apply never garbage-collects, so
 * pass {@code applied=false} and get a refusal); prune only objects of the inventory, which is what
 * Palisade itself applied; and delete only what the returned {@link Decision.Prune} lists, then
 * record the new inventory. A quarantined document still names its object and so keeps it; a file
 * that did not parse could hold any object, so it blocks pruning altogether. An object annotated
 * {@code palisade.io/prune: disabled} is never pruned. The budget refuses a revision that would
 * delete more than half the inventory, or any clusterwide policy, unless the source is annotated
 * {@code palisade.io/prune-budget: unlimited} (or {@code "<N>%"} for another share).
 */
public final class PrunePlan {

  public static final String PRUNE_ANNOTATION = "palisade.io/prune";
  public static final String PRUNE_DISABLED = "disabled";
  public static final String BUDGET_ANNOTATION = "palisade.io/prune-budget";
  public static final String BUDGET_UNLIMITED = RemovalBudget.UNLIMITED_VALUE;

  private PrunePlan() {}

  /** One recorded object with the annotations it has in the cluster now. */
  public record InventoryEntry(ObjectRef ref, Map<String, String> annotations) {
    public InventoryEntry {
      annotations = Map.copyOf(annotations);
    }

    boolean optedOut() {
      return PRUNE_DISABLED.equalsIgnoreCase(annotations.getOrDefault(PRUNE_ANNOTATION, ""));
    }
  }

  /**
   * The budget a source's annotations set: {@code unlimited}, {@code "<N>%"} (clusterwide still
   * refused), or the default when absent or not understood.
   */
  public static RemovalBudget budget(Map<String, String> sourceAnnotations) {
    String v = sourceAnnotations.getOrDefault(BUDGET_ANNOTATION, "");
    try {
      return v.isBlank() ? RemovalBudget.DEFAULT : RemovalBudget.parse(v);
    } catch (IllegalArgumentException e) {
      return RemovalBudget.DEFAULT;
    }
  }

  /** What to do with the inventory after an apply. */
  public sealed interface Decision {
    /** Delete {@code delete}; {@code kept} were gone from Git but opted out of pruning. */
    record Prune(List<ObjectRef> delete, List<ObjectRef> kept) implements Decision {}

    /** Delete nothing, for {@code reason}; {@code wouldDelete} is what pruning would have taken. */
    record Refused(String reason, List<ObjectRef> wouldDelete) implements Decision {}
  }

  /**
   * Plans pruning of {@code inventory} against the revision's {@code declared} objects.
   *
   * @param applied whether the revision's policies were applied successfully
   * @param unreadableFiles files of the revision whose objects are unknown
   */
  public static Decision plan(
      boolean applied,
      List<InventoryEntry> inventory,
      List<ObjectRef> declared,
      List<String> unreadableFiles,
      RemovalBudget budget) {
    List<ObjectRef> gone = new ArrayList<>();
    List<ObjectRef> kept = new ArrayList<>();
    Set<ObjectRef> still = new HashSet<>(declared);
    for (InventoryEntry e : inventory) {
      if (!still.contains(e.ref())) {
        (e.optedOut() ? kept : gone).add(e.ref());
      }
    }
    gone.sort(Comparator.comparing(ObjectRef::id));
    kept.sort(Comparator.comparing(ObjectRef::id));
    return refusal(applied, inventory.size(), gone, unreadableFiles, budget)
        .<Decision>map(reason -> new Decision.Refused(reason, List.copyOf(gone)))
        .orElseGet(() -> new Decision.Prune(List.copyOf(gone), List.copyOf(kept)));
  }

  private static Optional<String> refusal(
      boolean applied,
      int inventorySize,
      List<ObjectRef> gone,
      List<String> unreadable,
      RemovalBudget budget) {
    if (gone.isEmpty()) {
      return Optional.empty();
    }
    if (!applied) {
      return Optional.of(
          "the revision was not applied successfully; pruning runs only after a successful apply");
    }
    if (!unreadable.isEmpty()) {
      return Optional.of(
          "files " + unreadable + " could not be read, so the objects they hold are unknown");
    }
    return budget.refusal(
        inventorySize,
        gone,
        ObjectRef::kind,
        "annotate the source " + BUDGET_ANNOTATION + ": " + BUDGET_UNLIMITED + " to allow it");
  }
}
