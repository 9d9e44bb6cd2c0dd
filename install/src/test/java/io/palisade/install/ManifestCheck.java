package io.palisade.install;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a rendered set of objects: each against its schema (fabric8's model for built-in kinds,
 * the CRD's schema for custom resources; a kind with neither is an error), then the rules the API
 * server or kubectl would enforce only at apply time, or that Palisade holds itself to.
 */
final class ManifestCheck {

  /**
   * Kinds without a namespace; every other object must name one (kubectl apply -k would use the
   * current context's namespace otherwise).
   */
  private static final Set<String> CLUSTER_SCOPED =
      Set.of(
          "Namespace",
          "ClusterRole",
          "ClusterRoleBinding",
          "CustomResourceDefinition",
          "ValidatingWebhookConfiguration",
          "CiliumClusterwideNetworkPolicy",
          "CiliumCIDRGroup",
          "CiliumIdentity");

  private final CrdSchemas schemas;

  ManifestCheck(CrdSchemas schemas) {
    this.schemas = schemas;
  }

  /** Every problem of {@code objects}, each naming the object. */
  List<String> check(List<JsonNode> objects) {
    List<String> errors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode o : objects) {
      String id = id(o);
      if (!seen.add(id)) {
        errors.add(id + ": defined twice");
      }
      List<String> found;
      if (StrictModel.knows(o)) {
        found = StrictModel.check(o);
      } else if (schemas.knows(o)) {
        found = schemas.check(o);
      } else {
        found = List.of("no schema for " + StrictModel.type(o) + ": add its CRD's schema");
      }
      found.forEach(e -> errors.add(id + ": " + e));
      boolean clusterScoped = CLUSTER_SCOPED.contains(o.path("kind").asText());
      if (!clusterScoped && o.path("metadata").path("namespace").asText().isEmpty()) {
        errors.add(id + ": has no namespace");
      }
      if (clusterScoped && o.path("metadata").has("namespace")) {
        errors.add(id + ": is cluster-scoped but names a namespace");
      }
    }
    errors.addAll(Workloads.check(objects));
    return errors;
  }

  static String id(JsonNode o) {
    String ns = o.path("metadata").path("namespace").asText();
    return o.path("kind").asText()
        + " "
        + (ns.isEmpty() ? "" : ns + "/")
        + o.path("metadata").path("name").asText();
  }
}
