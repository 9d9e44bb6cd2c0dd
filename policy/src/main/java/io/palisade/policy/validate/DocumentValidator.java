package io.palisade.policy.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.crds.api.Rule;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicyMode;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Validates one document of a policy file: its kind and API version, its metadata, the shape of
 * every field ({@link SchemaCheck}) and the meaning of every rule, all in one pass: a misspelt
 * field does not hide a bad CIDR beside it. Documents that are not policies (a Deployment beside a
 * policy) are not this class's concern.
 */
public final class DocumentValidator {

  private final ObjectMapper mapper;
  private final SchemaCheck schema;
  private final Function<HasMetadata, List<FieldError>> networkPolicyChecks;

  /**
   * {@code networkPolicyChecks} validates the meaning of a bound Kubernetes NetworkPolicy; its
   * shape is checked here like every other kind's.
   */
  public DocumentValidator(
      ObjectMapper mapper, Function<HasMetadata, List<FieldError>> networkPolicyChecks) {
    this.mapper = mapper;
    this.schema = new SchemaCheck(mapper);
    this.networkPolicyChecks = networkPolicyChecks;
  }

  /** The policy kind a document claims to be, if it claims one Palisade reads. */
  public static Optional<PolicyKind> kindOf(JsonNode doc) {
    return PolicyKind.ofKind(doc.path("kind").asText(""));
  }

  /**
   * Builds Jackson's deserializer of {@code kind} now rather than at its first document: in a new
   * JVM that is most of the first document's cost (every annotation type of the policy classes is
   * read through reflection), and a short-lived caller can pay it on another thread.
   */
  public void prepare(PolicyKind kind) {
    // An ObjectReader fetches its root deserializer eagerly, into the mapper's shared cache.
    mapper.readerFor(kind.type());
  }

  public ValidatedDocument validate(JsonNode doc, PolicyKind kind) {
    String namespace = doc.path("metadata").path("namespace").asText("");
    String name = doc.path("metadata").path("name").asText("");
    FieldErrors errors = new FieldErrors();
    String apiVersion = doc.path("apiVersion").asText("");
    if (!kind.accepts(apiVersion)) {
      errors.add(
          "apiVersion",
          Quote.of(apiVersion)
              + " is not served for "
              + kind.kind()
              + "; use "
              + kind.apiVersions());
    }
    metadata(doc.path("metadata"), kind, errors);
    SchemaCheck.Result shape = schema.check(doc, kind.type());
    errors.addAll(shape.errors());
    HasMetadata object;
    try {
      // Without the fields the schema check refused, so the meaning of the rest is still checked.
      object = mapper.treeToValue(shape.bindable(), kind.type());
    } catch (Exception e) {
      // The schema check leaves only what binds; this is a last line, not a path taken.
      if (shape.errors().isEmpty()) {
        errors.add("", "cannot be read: " + e.getMessage());
      }
      return invalid(kind, namespace, name, errors);
    }
    FieldErrors meaning = new FieldErrors();
    meaning(object, meaning);
    errors.addAll(besides(meaning.list(), shape.errors()));
    if (!errors.isEmpty()) {
      return invalid(kind, namespace, name, errors);
    }
    return new ValidatedDocument(kind, namespace, name, Optional.of(object), List.of());
  }

  /**
   * The errors of meaning, less those at a field the schema check refused or at an object holding
   * one: a rule whose only section is misspelt would otherwise also be told it has no section.
   */
  private static List<FieldError> besides(List<FieldError> meaning, List<FieldError> shape) {
    return meaning.stream()
        .filter(m -> shape.stream().noneMatch(s -> within(s.path(), m.path())))
        .toList();
  }

  /** Whether {@code path} is {@code outer} or lies inside it. */
  private static boolean within(String path, String outer) {
    return outer.isEmpty()
        || path.equals(outer)
        || path.startsWith(outer + ".")
        || path.startsWith(outer + "[");
  }

  private static ValidatedDocument invalid(
      PolicyKind kind, String namespace, String name, FieldErrors errors) {
    return new ValidatedDocument(kind, namespace, name, Optional.empty(), errors.list());
  }

  private static void metadata(JsonNode meta, PolicyKind kind, FieldErrors out) {
    JsonNode name = meta.path("name");
    if (!name.isTextual() || name.asText().isEmpty()) {
      out.add("metadata.name", "must be set");
    } else if (!KubernetesNames.isDnsSubdomain(name.asText())) {
      out.add(
          "metadata.name", Quote.of(name.asText()) + " is not " + KubernetesNames.OBJECT_NAME_RULE);
    }
    JsonNode ns = meta.path("namespace");
    if (ns.isTextual() && !kind.namespaced()) {
      out.add("metadata.namespace", kind.kind() + " is cluster-scoped and has no namespace");
    } else if (ns.isTextual() && !KubernetesNames.isDnsLabel(ns.asText())) {
      out.add(
          "metadata.namespace",
          Quote.of(ns.asText())
              + " is not a valid namespace: lower-case alphanumerics and '-', at most 63");
    }
    enforcementMode(meta.path("annotations").path(PolicyMode.ANNOTATION), kind, out);
  }

  /** The audit annotation names a mode; any other value would leave the user unsure what runs. */
  private static void enforcementMode(JsonNode value, PolicyKind kind, FieldErrors out) {
    if (value.isMissingNode() || kind == PolicyKind.CILIUM_CIDR_GROUP) {
      return;
    }
    if (!value.isTextual() || PolicyMode.ofValue(value.asText()).isEmpty()) {
      out.add(
          PolicyMode.FIELD,
          Quote.of(value.isTextual() ? value.asText() : value.toString())
              + " is not an enforcement mode; use \""
              + PolicyMode.ENFORCE.value()
              + "\" or \""
              + PolicyMode.AUDIT.value()
              + "\"");
    }
  }

  private void meaning(HasMetadata object, FieldErrors out) {
    switch (object) {
      case CiliumNetworkPolicy cnp -> rules(cnp.getSpec(), cnp.getSpecs(), false, out);
      case CiliumClusterwideNetworkPolicy ccnp -> rules(ccnp.getSpec(), ccnp.getSpecs(), true, out);
      case CiliumCIDRGroup group -> cidrGroup(group, out);
      default -> out.addAll(networkPolicyChecks.apply(object));
    }
  }

  private static void rules(Rule spec, List<Rule> specs, boolean clusterwide, FieldErrors out) {
    if (spec == null && (specs == null || specs.isEmpty())) {
      out.add("", "spec or specs must be provided");
      return;
    }
    RuleValidator rules = new RuleValidator(clusterwide);
    if (spec != null) {
      rules.validate(spec, "spec", out);
    }
    Each.forEach(specs, "specs", rules::validate, out);
  }

  private static void cidrGroup(CiliumCIDRGroup group, FieldErrors out) {
    if (group.getSpec() == null || group.getSpec().externalCIDRs() == null) {
      out.add("spec.externalCIDRs", "must be set");
      return;
    }
    CidrValidator.cidrs(group.getSpec().externalCIDRs(), "spec.externalCIDRs", out);
  }
}
