package io.palisade.policy.rules;

import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.selector.CidrSelector;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.IpBlockPodSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One rule in the internal form: whom it applies to, the directions it applies in (selecting an
 * endpoint in a direction enforces that direction), which of them it puts into default deny, and
 * its sections, and whether it is enforced or audited ({@link PolicyMode}).
 */
public record PolicyRule(
    RuleOrigin origin,
    IdentitySelector subject,
    Set<Direction> directions,
    Set<Direction> defaultDeny,
    List<RuleSection> sections,
    PolicyMode mode) {

  public PolicyRule {
    directions = Set.copyOf(directions);
    defaultDeny = Set.copyOf(defaultDeny);
    sections = List.copyOf(sections);
    java.util.Objects.requireNonNull(mode, "mode");
  }

  /** An enforced rule. */
  public PolicyRule(
      RuleOrigin origin,
      IdentitySelector subject,
      Set<Direction> directions,
      Set<Direction> defaultDeny,
      List<RuleSection> sections) {
    this(origin, subject, directions, defaultDeny, sections, PolicyMode.ENFORCE);
  }

  /** The same rule in another mode. */
  public PolicyRule withMode(PolicyMode mode) {
    return new PolicyRule(origin, subject, directions, defaultDeny, sections, mode);
  }

  /** Whether the rule is in audit mode: its would-be drops pass and are reported. */
  public boolean audited() {
    return mode == PolicyMode.AUDIT;
  }

  public boolean selects(Identity identity) {
    return subject.selects(identity);
  }

  public boolean appliesIn(Direction direction) {
    return directions.contains(direction);
  }

  public boolean defaultDenies(Direction direction) {
    return defaultDeny.contains(direction);
  }

  public List<RuleSection> sections(Direction direction) {
    return sections.stream().filter(s -> s.direction() == direction).toList();
  }

  /**
   * The CIDR prefixes the rule's peers name, their exceptions included: each maps to a local
   * identity, as Cilium allocates them. A prefix named twice is listed twice.
   */
  public List<CidrPrefix> prefixes() {
    List<CidrPrefix> out = new ArrayList<>();
    for (RuleSection s : sections) {
      for (IdentitySelector sel : s.peerSelectors()) {
        if (sel instanceof CidrSelector c) {
          out.add(c.cidr());
          out.addAll(c.except());
        }
      }
    }
    return out;
  }

  /** The prefixes a set of rules names, each once. */
  public static Set<CidrPrefix> prefixesOf(Collection<PolicyRule> rules) {
    Set<CidrPrefix> out = new TreeSet<>();
    rules.forEach(r -> out.addAll(r.prefixes()));
    return out;
  }

  /**
   * The {@code toFQDNs} selectors the rule's peers name, each a node-local identity whose addresses
   * the nodes' DNS proxies learn. A selector named twice is listed twice.
   */
  public List<io.palisade.policy.selector.FqdnSelector> fqdnSelectors() {
    List<io.palisade.policy.selector.FqdnSelector> out = new ArrayList<>();
    for (RuleSection s : sections) {
      for (IdentitySelector sel : s.peerSelectors()) {
        if (sel instanceof io.palisade.policy.selector.FqdnSelector f) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /**
   * The prefixes the rule's Kubernetes ipBlocks name, their exceptions included: a pod whose
   * address lies in one carries its {@code ipblock:} label ({@link
   * io.palisade.policy.identity.IpBlockLabels}). A prefix named twice is listed twice, so that
   * whoever keeps them can count the uses.
   */
  public List<CidrPrefix> ipBlockPrefixes() {
    List<CidrPrefix> out = new ArrayList<>();
    for (RuleSection s : sections) {
      for (IdentitySelector sel : s.peerSelectors()) {
        if (sel instanceof IpBlockPodSelector p) {
          out.add(p.block().cidr());
          out.addAll(p.block().except());
        }
      }
    }
    return out;
  }

  /** The ipBlock prefixes a set of rules names, each once, sorted. */
  public static Set<CidrPrefix> ipBlockPrefixesOf(Collection<PolicyRule> rules) {
    Set<CidrPrefix> out = new TreeSet<>();
    rules.forEach(r -> out.addAll(r.ipBlockPrefixes()));
    return out;
  }
}
