package io.palisade.policy.rules;

import io.palisade.crds.api.CIDRRule;
import io.palisade.crds.api.ICMPRule;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.PortRule;
import io.palisade.crds.api.Rule;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.policy.selector.CidrSelector;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.NoIdentities;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites one validated Cilium rule (of a CNP when {@code namespace} is set, of a CCNP otherwise)
 * into a {@link PolicyRule}.
 */
public final class CiliumRuleTranslator {

  private final String kind;
  private final String namespace;
  private final String name;
  private final CidrGroups cidrGroups;
  private final ClusterServices services;

  public CiliumRuleTranslator(String kind, String namespace, String name, CidrGroups cidrGroups) {
    this(kind, namespace, name, cidrGroups, ClusterServices.none());
  }

  public CiliumRuleTranslator(
      String kind, String namespace, String name, CidrGroups cidrGroups, ClusterServices services) {
    this.kind = kind;
    this.namespace = namespace == null ? "" : namespace;
    this.name = name;
    this.cidrGroups = cidrGroups;
    this.services = services;
  }

  public PolicyRule translate(Rule rule, String rulePath) {
    RuleOrigin origin = new RuleOrigin(kind, namespace, name, rulePath);
    IdentitySelector subject =
        rule.endpointSelector() != null
            ? PeerInjection.subject(rule.endpointSelector(), namespace)
            : new NoIdentities(
                "host policies are refused by validation: Palisade does not model nodes");
    List<RuleSection> sections = new ArrayList<>();
    forEach(
        rule.ingress(),
        rulePath + ".ingress",
        (r, p) -> sections.add(section(origin, p, PeerElement.of(r))));
    forEach(
        rule.ingressDeny(),
        rulePath + ".ingressDeny",
        (r, p) -> sections.add(section(origin, p, PeerElement.of(r))));
    forEach(
        rule.egress(),
        rulePath + ".egress",
        (r, p) -> sections.add(section(origin, p, PeerElement.of(r))));
    forEach(
        rule.egressDeny(),
        rulePath + ".egressDeny",
        (r, p) -> sections.add(section(origin, p, PeerElement.of(r))));
    Set<Direction> directions = EnumSet.noneOf(Direction.class);
    Set<Direction> defaultDeny = EnumSet.noneOf(Direction.class);
    boolean hasIngress = nonEmpty(rule.ingress()) || nonEmpty(rule.ingressDeny());
    boolean hasEgress = nonEmpty(rule.egress()) || nonEmpty(rule.egressDeny());
    Boolean ddIngress =
        rule.enableDefaultDeny() == null ? null : rule.enableDefaultDeny().ingress();
    Boolean ddEgress = rule.enableDefaultDeny() == null ? null : rule.enableDefaultDeny().egress();
    decide(Direction.INGRESS, hasIngress, ddIngress, directions, defaultDeny);
    decide(Direction.EGRESS, hasEgress, ddEgress, directions, defaultDeny);
    return new PolicyRule(origin, subject, directions, defaultDeny, sections);
  }

  /** A direction is enforced by a rule with sections there; an absent flag defaults to that. */
  private static void decide(
      Direction d, boolean has, Boolean flag, Set<Direction> directions, Set<Direction> dd) {
    if (has || Boolean.TRUE.equals(flag)) {
      directions.add(d);
    }
    if (flag == null ? has : flag) {
      dd.add(d);
    }
  }

  private RuleSection section(RuleOrigin o, String path, PeerElement e) {
    Optional<List<PortMatch>> ports =
        e.deny()
            ? denyPorts(e.denyPorts())
            : allowPorts(e.ports(), o.kind() + " " + o.qualifiedName() + " " + path);
    return section(o, path, e.direction(), e.deny(), peers(e), ports, e.icmps());
  }

  private static RuleSection section(
      RuleOrigin o,
      String path,
      Direction d,
      boolean deny,
      Optional<List<IdentitySelector>> peers,
      Optional<List<PortMatch>> ports,
      List<ICMPRule> icmps) {
    List<PortMatch> all = new ArrayList<>(ports.orElse(List.of()));
    all.addAll(PortTranslator.icmps(icmps));
    boolean l4Given = ports.isPresent() || nonEmpty(icmps);
    if (peers == null) {
      // No L3 at all: ports alone select any peer; an element with nothing selects nothing.
      peers = l4Given ? Optional.empty() : Optional.of(List.of());
    }
    return new RuleSection(o, path, d, deny, peers, !l4Given, all);
  }

  /**
   * {@code where}: the section as a proxy's verdict names it, e.g. {@code Kind ns/name
   * spec.ingress[0]}.
   */
  private static Optional<List<PortMatch>> allowPorts(List<PortRule> toPorts, String where) {
    if (!nonEmpty(toPorts)) {
      return Optional.empty();
    }
    List<PortMatch> out = new ArrayList<>();
    for (int i = 0; i < toPorts.size(); i++) {
      PortRule pr = toPorts.get(i);
      String at = where + ".toPorts[" + i + "]";
      Optional<L7Policy> l7 = PortTranslator.l7(pr.rules()).map(p -> p.writtenAt(at));
      for (PortMatch pm : PortTranslator.ports(pr.ports(), l7)) {
        out.add(pm.at("toPorts[" + i + "]"));
      }
    }
    return Optional.of(out);
  }

  private static Optional<List<PortMatch>> denyPorts(List<List<PortProtocol>> toPorts) {
    if (!nonEmpty(toPorts)) {
      return Optional.empty();
    }
    List<PortMatch> out = new ArrayList<>();
    for (List<PortProtocol> ports : toPorts) {
      out.addAll(PortTranslator.ports(ports, Optional.empty()));
    }
    return Optional.of(out);
  }

  /**
   * The L3 peers of an element, or null when it names none at all. A present list, even empty,
   * replaces the wildcard, so {@code fromEndpoints: []} selects nothing.
   */
  private List<IdentitySelector> peersOrNull(PeerElement e) {
    if (e.l3().values().stream().noneMatch(Objects::nonNull)) {
      return null;
    }
    List<IdentitySelector> out = new ArrayList<>();
    if (e.endpoints() != null) {
      e.endpoints().forEach(s -> out.add(PeerInjection.peer(s, namespace)));
    }
    if (e.cidr() != null) {
      e.cidr()
          .forEach(
              c -> CidrPrefix.parse(c).ifPresent(p -> out.add(new CidrSelector(p, List.of()))));
    }
    if (e.cidrSet() != null) {
      e.cidrSet().forEach(c -> out.addAll(cidrSet(c)));
    }
    if (e.entities() != null) {
      e.entities().forEach(x -> Entities.selectors(x).ifPresent(out::addAll));
    }
    if (e.services() != null) {
      e.services().forEach(x -> out.addAll(services.peers(x)));
    }
    if (e.fqdns() != null) {
      e.fqdns().forEach(f -> out.add(new io.palisade.policy.selector.FqdnSelector(f)));
    }
    // Groups and nodes are refused by validation (see Unenforced), and so are Services in a deny:
    // they add no peer here, where selecting nothing in a deny would be a hole.
    return out;
  }

  private Optional<List<IdentitySelector>> peers(PeerElement e) {
    List<IdentitySelector> p = peersOrNull(e);
    return p == null ? null : Optional.of(p);
  }

  private List<IdentitySelector> cidrSet(CIDRRule c) {
    List<IdentitySelector> out = new ArrayList<>();
    if (c.cidr() != null) {
      List<CidrPrefix> except = new ArrayList<>();
      if (c.except() != null) {
        c.except().forEach(e -> CidrPrefix.parse(e).ifPresent(except::add));
      }
      CidrPrefix.parse(c.cidr()).ifPresent(p -> out.add(new CidrSelector(p, except)));
    } else if (c.cidrGroupRef() != null) {
      cidrGroups.byName(c.cidrGroupRef()).forEach(p -> out.add(new CidrSelector(p, List.of())));
    } else if (c.cidrGroupSelector() != null) {
      cidrGroups
          .bySelector(c.cidrGroupSelector())
          .forEach(p -> out.add(new CidrSelector(p, List.of())));
    }
    return out;
  }

  private static boolean nonEmpty(List<?> list) {
    return list != null && !list.isEmpty();
  }

  private interface IndexedConsumer<T> {
    void accept(T item, String path);
  }

  private static <T> void forEach(List<T> list, String path, IndexedConsumer<T> consumer) {
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        consumer.accept(list.get(i), path + "[" + i + "]");
      }
    }
  }
}
