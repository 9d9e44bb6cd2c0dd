package io.palisade.operator.web;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.operator.source.SourceId;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/policies} from the operator's inventory, in standalone mode's shape (kind, namespace,
 * name, errors, conditions Valid and Ready) plus {@code source}: the PolicySource that applied it
 * ({@code palisade.io/source}), or {@code kubectl}. Ready here means a valid generation is in the
 * pipeline; whether every node enforces it is the object's own status ({@code kubectl get cnp}).
 */
final class InventoryPolicies {

  private InventoryPolicies() {}

  static List<Map<String, Object>> of(ClusterInventory inventory) {
    List<PolicyRef> refs = new ArrayList<>(inventory.policies());
    refs.sort(
        Comparator.comparing(PolicyRef::kind)
            .thenComparing(PolicyRef::namespace)
            .thenComparing(PolicyRef::name));
    List<Map<String, Object>> out = new ArrayList<>();
    for (PolicyRef ref : refs) {
      Optional<PolicyValidation.Checked> latest = inventory.latest(ref);
      Optional<PolicyValidation.Checked> inForce = inventory.inForce(ref);
      List<String> errors =
          latest.map(c -> c.errors().stream().map(Object::toString).toList()).orElse(List.of());
      boolean valid = errors.isEmpty();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", ref.kind());
      m.put("namespace", ref.namespace());
      m.put("name", ref.name());
      m.put("revision", latest.map(c -> "generation " + c.generation()).orElse(""));
      m.put("source", source(latest.flatMap(PolicyValidation.Checked::object)));
      m.put("errors", errors);
      m.put(
          "conditions",
          List.of(
              condition(
                  "Valid",
                  valid,
                  valid ? "Valid" : "Invalid",
                  valid ? "the policy is valid" : String.join("; ", errors)),
              condition(
                  "Ready",
                  valid && inForce.isPresent(),
                  valid ? "InPipeline" : inForce.isPresent() ? "LastGoodKept" : "Invalid",
                  valid
                      ? "in the operator's pipeline; each node's enforcement is the object's status"
                      : inForce.isPresent()
                          ? "the last valid copy stays in force"
                          : "not in force")));
      out.add(m);
    }
    return out;
  }

  private static String source(Optional<HasMetadata> object) {
    return object
        .map(HasMetadata::getMetadata)
        .map(
            meta ->
                meta.getAnnotations() == null
                    ? null
                    : meta.getAnnotations().get(SourceId.ANNOTATION))
        .map(s -> "PolicySource " + s)
        .orElse("kubectl");
  }

  private static Map<String, String> condition(
      String type, boolean status, String reason, String message) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status ? "True" : "False");
    c.put("reason", reason);
    c.put("message", message);
    return c;
  }
}
