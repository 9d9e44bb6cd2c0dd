package io.palisade.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.crds.api.Authentication;
import io.palisade.crds.api.CIDRRule;
import io.palisade.crds.api.EgressDenyRule;
import io.palisade.crds.api.EgressRule;
import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.Groups;
import io.palisade.crds.api.ICMPRule;
import io.palisade.crds.api.IngressDenyRule;
import io.palisade.crds.api.IngressRule;
import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.PortDenyRule;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.PortRule;
import io.palisade.crds.api.Service;
import io.palisade.policy.Direction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One element of {@code ingress}, {@code ingressDeny}, {@code egress} or {@code egressDeny}, seen
 * through the fields the four share, so that one validator serves all of them. Absent lists stay
 * null: an absent list and an empty one mean different things.
 */
public record PeerElement(
    Direction direction,
    boolean deny,
    List<LabelSelector> endpoints,
    List<JsonNode> requires,
    List<String> cidr,
    List<CIDRRule> cidrSet,
    List<String> entities,
    List<Groups> groups,
    List<LabelSelector> nodes,
    List<Service> services,
    List<FQDNSelector> fqdns,
    List<PortRule> ports,
    List<List<PortProtocol>> denyPorts,
    List<ICMPRule> icmps,
    Authentication authentication) {

  public static PeerElement of(IngressRule r) {
    return new PeerElement(
        Direction.INGRESS,
        false,
        r.fromEndpoints(),
        r.fromRequires(),
        r.fromCIDR(),
        r.fromCIDRSet(),
        r.fromEntities(),
        r.fromGroups(),
        r.fromNodes(),
        null,
        null,
        r.toPorts(),
        null,
        r.icmps(),
        r.authentication());
  }

  public static PeerElement of(IngressDenyRule r) {
    return new PeerElement(
        Direction.INGRESS,
        true,
        r.fromEndpoints(),
        r.fromRequires(),
        r.fromCIDR(),
        r.fromCIDRSet(),
        r.fromEntities(),
        r.fromGroups(),
        r.fromNodes(),
        null,
        null,
        null,
        denyPorts(r.toPorts()),
        r.icmps(),
        null);
  }

  public static PeerElement of(EgressRule r) {
    return new PeerElement(
        Direction.EGRESS,
        false,
        r.toEndpoints(),
        r.toRequires(),
        r.toCIDR(),
        r.toCIDRSet(),
        r.toEntities(),
        r.toGroups(),
        r.toNodes(),
        r.toServices(),
        r.toFQDNs(),
        r.toPorts(),
        null,
        r.icmps(),
        r.authentication());
  }

  public static PeerElement of(EgressDenyRule r) {
    return new PeerElement(
        Direction.EGRESS,
        true,
        r.toEndpoints(),
        r.toRequires(),
        r.toCIDR(),
        r.toCIDRSet(),
        r.toEntities(),
        r.toGroups(),
        r.toNodes(),
        r.toServices(),
        null,
        null,
        denyPorts(r.toPorts()),
        r.icmps(),
        null);
  }

  private static List<List<PortProtocol>> denyPorts(List<PortDenyRule> rules) {
    if (rules == null) {
      return null;
    }
    List<List<PortProtocol>> out = new ArrayList<>();
    rules.forEach(r -> out.add(r == null || r.ports() == null ? List.of() : r.ports()));
    return out;
  }

  /** {@code from} on ingress, {@code to} on egress. */
  public String prefix() {
    return direction == Direction.INGRESS ? "from" : "to";
  }

  /** The L3 peer lists by field name, in Cilium's order, for the one-kind-per-element check. */
  public Map<String, List<?>> l3() {
    String p = prefix();
    Map<String, List<?>> out = new LinkedHashMap<>();
    out.put(p + "Endpoints", endpoints);
    out.put(p + "CIDR", cidr);
    out.put(p + "CIDRSet", cidrSet);
    out.put(p + "Entities", entities);
    out.put(p + "Groups", groups);
    out.put(p + "Nodes", nodes);
    if (direction == Direction.EGRESS) {
      out.put("toServices", services);
      out.put("toFQDNs", fqdns);
    }
    return out;
  }

  public boolean hasPorts() {
    return (ports != null && !ports.isEmpty()) || (denyPorts != null && !denyPorts.isEmpty());
  }
}
