package io.palisade.pipeline.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.pipeline.model.ServiceEndpoints;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.rules.ClusterServices;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PolicySet;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Validated policy objects into rules, in the context of the cluster's CIDR groups and Services: a
 * rule that names a group by {@code cidrGroupRef} or {@code cidrGroupSelector} selects what the
 * group holds now, and one with {@code toServices} the pods or backends of the Services it matches
 * now, so it is translated again when a group, or a Service or its EndpointSlices, change.
 */
public final class PolicyTranslation {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PolicyTranslation() {}

  /** The rules of {@code object} with {@code groups} as the cluster's CIDR groups. */
  public static List<PolicyRule> rules(HasMetadata object, Collection<CiliumCIDRGroup> groups) {
    return rules(object, groups, ClusterServices.none());
  }

  /** The rules of {@code object} with the cluster's CIDR groups and Services. */
  public static List<PolicyRule> rules(
      HasMetadata object, Collection<CiliumCIDRGroup> groups, ClusterServices services) {
    PolicySet set = new PolicySet().services(services);
    groups.forEach(set::add);
    set.add(object);
    return set.rules();
  }

  /** The Services as {@code toServices} sees them: each with the addresses of its backends. */
  public static ClusterServices services(
      Collection<ServiceInfo> services, Collection<ServiceEndpoints> slices) {
    ClusterServices out = new ClusterServices();
    for (ServiceInfo s : services) {
      List<String> backends = new ArrayList<>();
      for (ServiceEndpoints slice : slices) {
        if (slice.serves(s.namespace(), s.name())) {
          slice.endpoints().stream()
              .filter(PolicyTranslation::isBackend)
              .forEach(e -> backends.addAll(e.addresses()));
        }
      }
      out.put(s.namespace(), s.name(), s.labels(), s.selector(), backends);
    }
    return out;
  }

  /**
   * Cilium's backends of a Service: ready endpoints, and terminating ones still serving (so a
   * connection open to a pod being drained is not cut).
   */
  private static boolean isBackend(ServiceEndpoints.Endpoint e) {
    return e.ready() || (e.serving() && e.terminating());
  }

  /** Whether some rule of {@code object} refers to CIDR groups. */
  public static boolean usesCidrGroups(HasMetadata object) {
    return names(MAPPER.valueToTree(object), Set.of("cidrGroupRef", "cidrGroupSelector"));
  }

  /** Whether some rule of {@code object} selects Services. */
  public static boolean usesServices(HasMetadata object) {
    return names(MAPPER.valueToTree(object), Set.of("toServices"));
  }

  private static boolean names(JsonNode node, Set<String> fields) {
    for (String f : fields) {
      if (node.has(f)) {
        return true;
      }
    }
    for (JsonNode child : node) {
      if (names(child, fields)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code rule} hands some port's traffic to an L7 proxy. */
  /** The parsers of every L7 rule of {@code rules}, in the enum's order. */
  public static Set<L7Parser> l7Parsers(List<PolicyRule> rules) {
    Set<L7Parser> parsers = EnumSet.noneOf(L7Parser.class);
    for (PolicyRule rule : rules) {
      for (RuleSection s : rule.sections()) {
        for (PortMatch p : s.ports()) {
          p.l7().ifPresent(l7 -> parsers.add(l7.parser()));
        }
      }
    }
    return parsers;
  }

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
