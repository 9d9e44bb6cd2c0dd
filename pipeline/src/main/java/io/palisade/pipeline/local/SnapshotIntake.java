package io.palisade.pipeline.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyTranslation;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.parse.FieldError;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes policy snapshots into the inventory, as the operator's informers write API objects: each
 * object gets a generation that grows when its content changes, a valid one replaces its previous
 * copy, an invalid one leaves its last valid copy in force, and an object gone from a snapshot that
 * was read whole is removed. Not thread-safe: it is its inventory's one writer of policies.
 */
public final class SnapshotIntake {

  private record Seen(String content, long generation) {}

  private static final String CIDR_GROUP = "CiliumCIDRGroup";

  private final ObjectMapper mapper = new ObjectMapper();
  private final ClusterInventory inventory;
  private final Map<PolicyRef, Seen> seen = new HashMap<>();

  public SnapshotIntake(ClusterInventory inventory) {
    this.inventory = inventory;
  }

  public void accept(PolicySnapshot snapshot) {
    Set<PolicyRef> present = new HashSet<>();
    snapshot.valid().forEach((ref, object) -> present.add(putValid(ref, object)));
    snapshot.invalid().forEach((ref, errors) -> present.add(putInvalid(ref, errors)));
    if (!snapshot.complete()) {
      return; // Its unreadable files may hold the objects that look deleted.
    }
    for (PolicyRef ref : Set.copyOf(seen.keySet())) {
      if (!present.contains(ref)) {
        seen.remove(ref);
        if (ref.kind().equals(CIDR_GROUP)) {
          inventory.removeCidrGroup(ref.name());
        } else {
          inventory.removePolicy(ref);
        }
      }
    }
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
            java.util.Optional.of(object)));
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
