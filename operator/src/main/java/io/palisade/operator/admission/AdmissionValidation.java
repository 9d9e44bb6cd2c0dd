package io.palisade.operator.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.gitops.SpecError;
import io.palisade.operator.source.SourceSpecReader;
import io.palisade.pipeline.inventory.PolicyTranslation;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides one admission request: a policy (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy,
 * CiliumCIDRGroup, NetworkPolicy) goes through {@link PolicyLoader}, exactly as {@code palisade
 * validate} reads a file; a PolicySource through {@link SourceSpecReader#specErrors}. Only what
 * would change a policy is judged: DELETE and CONNECT are allowed, and so is an UPDATE that leaves
 * everything but metadata and status as it was (the operator's own status writes, a label added to
 * a policy that was invalid before the webhook existed).
 */
final class AdmissionValidation {

  /** One error: its field path and what is wrong. */
  record Cause(String field, String message) {}

  /** Allowed (perhaps with warnings), or refused with every cause. */
  record Verdict(
      boolean allowed,
      String message,
      List<Cause> causes,
      List<String> warnings,
      Optional<String> kind,
      Optional<String> name) {

    static Verdict allow(List<String> warnings) {
      return new Verdict(true, "", List.of(), warnings, Optional.empty(), Optional.empty());
    }
  }

  /** A request the API server would never send: answered with 400 and this message. */
  static final class MalformedRequest extends RuntimeException {
    MalformedRequest(String message) {
      super(message);
    }
  }

  private static final Set<String> POLICY_KINDS =
      Set.of(
          "cilium.io/CiliumNetworkPolicy",
          "cilium.io/CiliumClusterwideNetworkPolicy",
          "cilium.io/CiliumCIDRGroup",
          "networking.k8s.io/NetworkPolicy");

  static final String L7_WARNING =
      "its L7 rules are not enforced: no L7 proxy is ready on the nodes, so the traffic they"
          + " select is dropped (status will say L7NotEnforced)";

  private static final String SOURCE = "admission";

  private final ObjectMapper mapper = new ObjectMapper();
  private final PolicyLoader loader = new PolicyLoader();
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  Verdict judge(JsonNode request) {
    String operation = request.path("operation").asText("");
    if (operation.isEmpty()) {
      throw new MalformedRequest("request.operation: must be set");
    }
    if (!operation.equals("CREATE") && !operation.equals("UPDATE")) {
      return Verdict.allow(List.of());
    }
    JsonNode object = request.path("object");
    if (!object.isObject()) {
      throw new MalformedRequest("request.object: must be set for " + operation);
    }
    String type =
        request.path("kind").path("group").asText("")
            + "/"
            + request.path("kind").path("kind").asText("");
    if (type.equals("/")) {
      throw new MalformedRequest("request.kind: must name the group and kind");
    }
    if (operation.equals("UPDATE") && sameContent(object, request.path("oldObject"))) {
      return Verdict.allow(List.of());
    }
    if (POLICY_KINDS.contains(type)) {
      return policy(object);
    }
    if (type.equals("palisade.io/PolicySource")) {
      return source(object);
    }
    return Verdict.allow(List.of("Palisade does not validate " + type));
  }

  private Verdict policy(JsonNode object) {
    // The loader names the file first; the rest of each line is what `palisade validate` prints.
    LoadResult r = loader.load(SOURCE, authored(object).toString());
    if (r.errors().isEmpty()) {
      boolean l7 = r.policySet().rules().stream().anyMatch(PolicyTranslation::hasL7);
      return Verdict.allow(l7 ? List.of(L7_WARNING) : List.of());
    }
    List<Cause> causes =
        r.errors().stream()
            .map(DocumentError::error)
            .map(e -> new Cause(e.path(), e.message()))
            .toList();
    String message =
        String.join(
            "; ", r.errors().stream().map(e -> e.format().substring(SOURCE.length() + 2)).toList());
    return deny(object, message, causes);
  }

  private Verdict source(JsonNode object) {
    PolicySource source;
    try {
      source = serialization.convertValue(object, PolicySource.class);
    } catch (RuntimeException e) {
      String why = "cannot be read: " + e.getMessage().lines().findFirst().orElse("");
      return deny(
          object, "PolicySource " + id(object) + ": spec: " + why, List.of(new Cause("spec", why)));
    }
    List<SpecError> errors = SourceSpecReader.specErrors(source);
    if (errors.isEmpty()) {
      return Verdict.allow(List.of());
    }
    return deny(
        object,
        "PolicySource "
            + id(object)
            + ": "
            + String.join("; ", errors.stream().map(SpecError::toString).toList()),
        errors.stream().map(e -> new Cause(e.field(), e.message())).toList());
  }

  private static Verdict deny(JsonNode object, String message, List<Cause> causes) {
    return new Verdict(
        false,
        message,
        causes,
        List.of(),
        Optional.of(object.path("kind").asText()),
        Optional.of(object.path("metadata").path("name").asText()));
  }

  /** {@code namespace/name}, or the name of a cluster-scoped object. */
  private static String id(JsonNode object) {
    JsonNode meta = object.path("metadata");
    String ns = meta.path("namespace").asText("");
    return (ns.isEmpty() ? "" : ns + "/") + meta.path("name").asText("");
  }

  /**
   * The object as its author wrote it, as the operator's own validation reads it: no status, and
   * only the metadata a manifest carries (the server's uid, managedFields and the like are not the
   * author's mistakes).
   */
  private ObjectNode authored(JsonNode object) {
    ObjectNode doc = object.deepCopy();
    doc.remove("status");
    ObjectNode kept = mapper.createObjectNode();
    for (String field : List.of("name", "namespace", "labels", "annotations")) {
      if (object.path("metadata").has(field)) {
        kept.set(field, object.path("metadata").get(field));
      }
    }
    doc.set("metadata", kept);
    return doc;
  }

  /** Whether two versions differ in nothing but metadata and status. */
  private static boolean sameContent(JsonNode object, JsonNode old) {
    if (!old.isObject()) {
      return false;
    }
    ObjectNode a = object.deepCopy();
    ObjectNode b = old.deepCopy();
    for (ObjectNode n : List.of(a, b)) {
      n.remove("metadata");
      n.remove("status");
    }
    return a.equals(b);
  }
}
