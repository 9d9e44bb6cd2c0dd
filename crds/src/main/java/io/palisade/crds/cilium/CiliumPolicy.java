package io.palisade.crds.cilium;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.palisade.crds.api.Rule;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Cilium policy object, namespaced or cluster-wide: {@code spec} and {@code specs} together are
 * its rules.
 *
 * <p>Rules that do not read as {@link Rule}s (a field this model does not have, as a newer Cilium
 * CRD lets through the API server, or a value of the wrong shape) are kept as written, and the
 * object reads as having none there. A watch that failed on them would stop, and the operator with
 * it; a reader that skipped the field would enforce less than the policy says. Validation checks
 * the rules as written ({@link #unreadRules()}), so such a policy is refused with the field's path.
 */
public abstract class CiliumPolicy extends CustomResource<Rule, PolicyStatus> {

  private static final ObjectMapper STRICT = new ObjectMapper();
  private static final JavaType RULES =
      STRICT.getTypeFactory().constructCollectionType(List.class, Rule.class);

  @JsonProperty("specs")
  private List<Rule> specs;

  @JsonIgnore private JsonNode unreadSpec;
  @JsonIgnore private JsonNode unreadSpecs;

  public List<Rule> getSpecs() {
    return specs;
  }

  public void setSpecs(List<Rule> specs) {
    this.specs = specs;
    this.unreadSpecs = null;
  }

  @Override
  public void setSpec(Rule spec) {
    super.setSpec(spec);
    this.unreadSpec = null;
  }

  void readSpec(JsonNode written) {
    try {
      setSpec(written == null || written.isNull() ? null : STRICT.treeToValue(written, Rule.class));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      setSpec(null);
      unreadSpec = written;
    }
  }

  void readSpecs(JsonNode written) {
    try {
      setSpecs(written == null || written.isNull() ? null : STRICT.treeToValue(written, RULES));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      setSpecs(null);
      unreadSpecs = written;
    }
  }

  /**
   * The parts, {@code spec} or {@code specs}, that did not read as rules, as written; empty when
   * every rule read. They are written out with the object, so that a copy (JOSDK hands each
   * reconcile one made by writing and reading) keeps them too.
   */
  @JsonAnyGetter
  @JsonIgnore // Not a field of the CRD's schema.
  public Map<String, JsonNode> unreadRules() {
    Map<String, JsonNode> unread = new LinkedHashMap<>();
    if (unreadSpec != null) {
      unread.put("spec", unreadSpec);
    }
    if (unreadSpecs != null) {
      unread.put("specs", unreadSpecs);
    }
    return unread;
  }

  /**
   * Reads a policy field by field, each rule part through {@link #readSpec} and {@link #readSpecs},
   * the other fields as the caller's mapper reads them. Fields a policy object does not have are
   * passed over: the API server never sends them, and a file's are refused by its schema check
   * before it is bound.
   */
  protected abstract static class Reader<P extends CiliumPolicy> extends StdDeserializer<P> {

    private final Supplier<P> blank;

    protected Reader(Class<P> type, Supplier<P> blank) {
      super(type);
      this.blank = blank;
    }

    @Override
    public P deserialize(JsonParser parser, DeserializationContext ctxt) throws IOException {
      JsonNode tree = ctxt.readTree(parser);
      if (!tree.isObject()) {
        return ctxt.reportInputMismatch(this, "a policy is an object, not %s", tree.getNodeType());
      }
      P policy = blank.get();
      for (Map.Entry<String, JsonNode> field : tree.properties()) {
        JsonNode value = field.getValue();
        switch (field.getKey()) {
          case "apiVersion" -> policy.setApiVersion(value.isNull() ? null : value.asText());
          case "kind" -> policy.setKind(value.isNull() ? null : value.asText());
          case "metadata" -> policy.setMetadata(ctxt.readTreeAsValue(value, ObjectMeta.class));
          case "status" -> policy.setStatus(status(value, ctxt));
          case "spec" -> policy.readSpec(value);
          case "specs" -> policy.readSpecs(value);
          default -> {}
        }
      }
      return policy;
    }

    /**
     * A status of the wrong shape, someone else's doing, reads as none: the reconciler's is next.
     */
    private static PolicyStatus status(JsonNode value, DeserializationContext ctxt) {
      try {
        return ctxt.readTreeAsValue(value, PolicyStatus.class);
      } catch (IOException e) {
        return null;
      }
    }
  }
}
