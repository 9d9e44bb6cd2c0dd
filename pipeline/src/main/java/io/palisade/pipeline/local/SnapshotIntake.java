package io.palisade.pipeline.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyTranslation;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.parse.FieldError;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes policy snapshots into the inventory, as the operator's informers write API objects: each
 * object gets a generation that grows when its content changes, a valid one replaces its previous
 * copy, an invalid one leaves its last valid copy in force, and an object gone from a snapshot that
 * was read whole is removed. A snapshot that would remove more than its {@link RemovalBudget}
 * allows (all objects, more than half, any clusterwide policy by default) is refused whole: nothing
 * changes until the source comes back within the budget or the budget is raised. Not thread-safe:
 * it is its inventory's one writer of policies.
 */
public final class SnapshotIntake {

  /** Ends a refusal's reason: how the user gets past it. */
  static final String HOW_TO_ALLOW =
      "restore them, or run with --prune-budget unlimited (or a larger share) to allow it";

  /** A snapshot refused whole: why, and the objects it would have removed. */
  public record Refusal(String reason, List<PolicyRef> wouldRemove) {
    public Refusal {
      wouldRemove = List.copyOf(wouldRemove);
    }
  }

  private record Seen(String content, long generation) {}

  private static final String CIDR_GROUP = "CiliumCIDRGroup";

  private final ObjectMapper mapper = new ObjectMapper();
  private final ClusterInventory inventory;
  private final Map<PolicyRef, Seen> seen = new HashMap<>();
  private final RemovalBudget budget;

  public SnapshotIntake(ClusterInventory inventory, RemovalBudget budget) {
    this.inventory = inventory;
    this.budget = budget;
  }

  /** Takes the snapshot whole, or refuses it whole and changes nothing. */
  public Optional<Refusal> accept(PolicySnapshot snapshot) {
    Set<PolicyRef> present = new HashSet<>(snapshot.valid().keySet());
    present.addAll(snapshot.invalid().keySet());
    // A snapshot with unreadable files removes nothing: they may hold the objects that look gone.
    List<PolicyRef> gone =
        snapshot.complete()
            ? seen.keySet().stream()
                .filter(ref -> !present.contains(ref))
                .sorted(Comparator.comparing(PolicyRef::toString))
                .toList()
            : List.of();
    Optional<Refusal> refused =
        budget
            .refusal(seen.size(), gone, PolicyRef::kind, HOW_TO_ALLOW)
            .map(reason -> new Refusal(reason, gone));
    if (refused.isPresent()) {
      return refused;
    }
    snapshot.valid().forEach(this::putValid);
    snapshot.invalid().forEach(this::putInvalid);
    for (PolicyRef ref : gone) {
      seen.remove(ref);
      if (ref.kind().equals(CIDR_GROUP)) {
        inventory.removeCidrGroup(ref.name());
      } else {
        inventory.removePolicy(ref);
      }
    }
    return Optional.empty();
  }

  private PolicyRef putValid(PolicyRef ref, HasMetadata object) {
    if (object instanceof CiliumCIDRGroup group) {
      generation(ref, json(object));
      inventory.putCidrGroup(group);
      return ref;
    }
    long generation = generation(ref, json(object));
    inventory.putPolicy(
        new PolicyValidation.Checked(
            ref,
            generation,
            List.of(),
            PolicyTranslation.rules(object, List.of()),
            Optional.of(object)));
    return ref;
  }

  private PolicyRef putInvalid(PolicyRef ref, List<FieldError> errors) {
    if (ref.kind().equals(CIDR_GROUP)) {
      generation(ref, errors.toString()); // Its last valid copy stays, as a policy's does.
      return ref;
    }
    long generation = generation(ref, errors.toString());
    inventory.putPolicy(new PolicyValidation.Checked(ref, generation, errors, List.of()));
    return ref;
  }

  /** The object's generation: the same while its content is, one more when it changes. */
  private long generation(PolicyRef ref, String content) {
    Seen before = seen.get(ref);
    if (before != null && before.content().equals(content)) {
      return before.generation();
    }
    long next = before == null ? 1 : before.generation() + 1;
    seen.put(ref, new Seen(content, next));
    return next;
  }

  private String json(HasMetadata object) {
    try {
      return mapper.writeValueAsString(object);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a validated object does not serialize: " + e, e);
    }
  }
}
