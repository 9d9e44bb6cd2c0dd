package io.palisade.pipeline.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PolicySet;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import java.util.Collection;
import java.util.List;

/**
 * Validated policy objects into rules, in the context of the cluster's CIDR groups: a rule that
 * names a group by {@code cidrGroupRef} or {@code cidrGroupSelector} selects what the group holds
 * now, so it is translated again when a group changes.
 */
public final class PolicyTranslation {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PolicyTranslation() {}

  /** The rules of {@code object} with {@code groups} as the cluster's CIDR groups. */
  public static List<PolicyRule> rules(HasMetadata object, Collection<CiliumCIDRGroup> groups) {
    PolicySet set = new PolicySet();
    groups.forEach(set::add);
    set.add(object);
    return set.rules();
  }

  /** Whether some rule of {@code object} refers to CIDR groups. */
  public static boolean usesCidrGroups(HasMetadata object) {
    return names(MAPPER.valueToTree(object));
  }

  private static boolean names(JsonNode node) {
    if (node.has("cidrGroupRef") || node.has("cidrGroupSelector")) {
      return true;
    }
    for (JsonNode child : node) {
      if (names(child)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code rule} hands some port's traffic to an L7 proxy. */
  public static boolean hasL7(PolicyRule rule) {
    for (RuleSection s : rule.sections()) {
      for (PortMatch p : s.ports()) {
        if (p.l7().isPresent()) {
          return true;
        }
      }
    }
    return false;
  }
}
