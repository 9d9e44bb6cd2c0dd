package io.palisade.pipeline.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.validate.ValidatedDocument;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a policy object read from the API with the engine's own validation, the one the CLI
 * uses on files, and translates a valid one into its rules. Each object generation is validated
 * once: the watch that feeds the inventory and the reconciler that writes status ask for the same
 * object and get the same answer. Thread-safe: the loader keeps no state between calls but a
 * concurrent schema cache, and each policy's answer is computed under its own map entry.
 */
public final class PolicyValidation {

  /**
   * One policy generation as validated: every error, or the rules it contributes and, when it names
   * CIDR groups or Services, the object they came from (to translate again when those change).
   */
  public record Checked(
      PolicyRef ref,
      long generation,
      List<FieldError> errors,
      List<PolicyRule> rules,
      Optional<HasMetadata> object) {

    public Checked {
      errors = List.copyOf(errors);
      rules = List.copyOf(rules);
    }

    /** A generation whose rules need no CIDR groups. */
    public Checked(
        PolicyRef ref, long generation, List<FieldError> errors, List<PolicyRule> rules) {
      this(ref, generation, errors, rules, Optional.empty());
    }

    public boolean valid() {
      return errors.isEmpty();
    }

    /** Whether some rule hands traffic to an L7 proxy. */
    public boolean hasL7Rules() {
      return rules.stream().anyMatch(PolicyTranslation::hasL7);
    }

    /** The parsers of the proxies this generation's rules hand traffic to. */
    public Set<L7Parser> l7Parsers() {
      return PolicyTranslation.l7Parsers(rules);
    }
  }

  /**
   * A validated generation and the SHA-256 of the document it was validated from: the digest rather
   * than the document, which at 30,000 policies was tens of megabytes of JSON kept only to compare.
   */
  private record Memo(byte[] digest, Checked checked) {

    boolean answers(byte[] digest, long generation) {
      return MessageDigest.isEqual(this.digest, digest) && checked.generation() == generation;
    }
  }

  private final ObjectMapper mapper = new ObjectMapper();
  private final PolicyLoader loader = new PolicyLoader();
  private final ConcurrentHashMap<PolicyRef, Memo> memo = new ConcurrentHashMap<>();

  public static PolicyRef refOf(HasMetadata object) {
    return new PolicyRef(
        object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
  }

  public static long generationOf(HasMetadata object) {
    return Optional.ofNullable(object.getMetadata().getGeneration()).orElse(0L);
  }

  /** Validates one object, or answers as before when this generation was validated already. */
  public Checked check(HasMetadata object) {
    PolicyRef ref = refOf(object);
    long generation = generationOf(object);
    String json;
    try {
      json = mapper.writeValueAsString(document(object));
    } catch (Exception e) {
      return new Checked(
          ref,
          generation,
          List.of(new FieldError("", "cannot be read: " + e.getMessage())),
          List.of());
    }
    byte[] digest = sha256(json);
    return memo.compute(
            ref,
            (k, m) ->
                m != null && m.answers(digest, generation)
                    ? m
                    : new Memo(digest, validate(ref, generation, json)))
        .checked();
  }

  private static byte[] sha256(String document) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(document.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Forgets a deleted object, so that a new one of the same name is validated afresh. */
  public void forget(PolicyRef ref) {
    memo.remove(ref);
  }

  private Checked validate(PolicyRef ref, long generation, String json) {
    LoadResult r = loader.load(ref.toString(), json);
    List<FieldError> errors = r.errors().stream().map(DocumentError::error).toList();
    if (!errors.isEmpty()) {
      return new Checked(ref, generation, errors, List.of());
    }
    // Only a policy that names CIDR groups or Services is translated again later; any other keeps
    // its rules alone (30,000 parsed objects were a third of the inventory at Cilium's scale).
    Optional<HasMetadata> object =
        r.documents().stream()
            .findFirst()
            .flatMap(ValidatedDocument::object)
            .filter(o -> PolicyTranslation.usesCidrGroups(o) || PolicyTranslation.usesServices(o));
    return new Checked(ref, generation, errors, r.policySet().rules(), object);
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
