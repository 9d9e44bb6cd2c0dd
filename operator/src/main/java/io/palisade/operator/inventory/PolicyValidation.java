package io.palisade.operator.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.operator.model.PolicyRef;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicyRule;
import java.util.List;
import java.util.Optional;

/**
 * Validates a policy object read from the API with the engine's own validation, the one the CLI
 * uses on files, and translates a valid one into its rules.
 */
public final class PolicyValidation {

  /** One policy generation as validated: every error, or the rules it contributes. */
  public record Checked(
      PolicyRef ref, long generation, List<FieldError> errors, List<PolicyRule> rules) {

    public Checked {
      errors = List.copyOf(errors);
      rules = List.copyOf(rules);
    }

    public boolean valid() {
      return errors.isEmpty();
    }
  }

  private final ObjectMapper mapper = new ObjectMapper();
  private final PolicyLoader loader = new PolicyLoader();

  public static PolicyRef refOf(HasMetadata object) {
    return new PolicyRef(
        object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  public static long generationOf(HasMetadata object) {
    return Optional.ofNullable(object.getMetadata().getGeneration()).orElse(0L);
  }

  /** Validates one object; serialized, because the engine's loader caches schemas unguarded. */
  public synchronized Checked check(HasMetadata object) {
    PolicyRef ref = refOf(object);
    String json;
    try {
      json = mapper.writeValueAsString(document(object));
    } catch (Exception e) {
      return new Checked(
          ref,
          generationOf(object),
          List.of(new FieldError("", "cannot be read: " + e.getMessage())),
          List.of());
    }
    LoadResult r = loader.load(ref.toString(), json);
    List<FieldError> errors = r.errors().stream().map(DocumentError::error).toList();
    return new Checked(
        ref, generationOf(object), errors, errors.isEmpty() ? r.policySet().rules() : List.of());
  }

  /** The object as its author wrote it: no status, and only the metadata a manifest carries. */
  private JsonNode document(HasMetadata object) {
    ObjectNode doc = mapper.valueToTree(object);
    doc.remove("status");
    JsonNode meta = doc.path("metadata");
    ObjectNode kept = mapper.createObjectNode();
    for (String field : List.of("name", "namespace", "labels", "annotations")) {
      if (meta.has(field)) {
        kept.set(field, meta.get(field));
      }
    }
    doc.set("metadata", kept);
    return doc;
  }
}
