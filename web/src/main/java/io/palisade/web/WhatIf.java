package io.palisade.web;

import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.load.DocumentError;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.reach.CellChange;
import io.palisade.policy.reach.CellPort;
import io.palisade.policy.reach.ReachabilityDiff;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.RuleOrigin;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A what-if: policies posted as YAML take the place of those of the same kind, namespace and name
 * in the current state (or join it), and the cells whose verdict changes are listed with the rule
 * responsible, by {@link ReachabilityDiff}, the code behind {@code palisade diff}.
 */
final class WhatIf {

  /** The file name errors of the posted text are reported under. */
  static final String FILE = "whatif.yaml";

  private WhatIf() {}

  /** The posted policies' rules and the objects they name, or every error of the text. */
  record Result(
      List<PolicyRule> rules, List<String> replaced, Set<String> keys, List<String> errors) {}

  static Result load(String yaml) {
    if (yaml == null || yaml.isBlank()) {
      return new Result(List.of(), List.of(), Set.of(), List.of("body: no policy YAML was posted"));
    }
    LoadResult loaded = new PolicyLoader().load(FILE, yaml);
    List<String> errors = loaded.errors().stream().map(DocumentError::format).toList();
    if (errors.isEmpty() && loaded.documents().isEmpty()) {
      errors = List.of("body: no policy document (CiliumNetworkPolicy, NetworkPolicy, ...) found");
    }
    if (!errors.isEmpty()) {
      return new Result(List.of(), List.of(), Set.of(), errors);
    }
    List<String> names = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (ValidatedDocument d : loaded.documents()) {
      String ns = d.namespace() == null ? "" : d.namespace();
      keys.add(key(d.kind().kind(), ns, d.name()));
      names.add(d.kind().kind() + " " + (ns.isEmpty() ? d.name() : ns + "/" + d.name()));
    }
    return new Result(loaded.policySet().rules(), names, keys, List.of());
  }

  /** The current rules with the posted policies in place of their namesakes. */
  static List<PolicyRule> replace(List<PolicyRule> current, Result posted) {
    List<PolicyRule> out = new ArrayList<>();
    for (PolicyRule r : current) {
      if (!posted.keys().contains(key(r.origin()))) {
        out.add(r);
      }
    }
    out.addAll(posted.rules());
    return out;
  }

  /**
   * {@code
   * {"policies","ports","widened","narrowed","changes":[{"from","to","port","before","after","rule","widened"}]}}.
   */
  static Map<String, Object> diff(
      ClusterPolicy before, ClusterPolicy after, List<CellPort> ports, List<String> policies) {
    List<CellChange> changes = ReachabilityDiff.changes(before, after, ports);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("policies", policies);
    out.put("ports", ports.stream().map(CellPort::toString).toList());
    out.put("widened", changes.stream().filter(CellChange::widened).count());
    out.put("narrowed", changes.stream().filter(c -> !c.widened()).count());
    List<Map<String, Object>> cells = new ArrayList<>();
    for (CellChange c : changes) {
      Map<String, Object> m = c.asJson();
      m.put("widened", c.widened());
      cells.add(m);
    }
    out.put("changes", cells);
    return out;
  }

  private static String key(RuleOrigin o) {
    return key(o.kind(), o.namespace() == null ? "" : o.namespace(), o.name());
  }

  private static String key(String kind, String namespace, String name) {
    return kind + " " + namespace + "/" + name;
  }
}
