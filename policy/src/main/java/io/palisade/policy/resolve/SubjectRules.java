package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.RuleSection;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The rules that select one subject identity, grouped by direction. */
final class SubjectRules {

  private final List<PolicyRule> rules = new ArrayList<>();
  private final Map<Direction, List<RuleSection>> sections = new EnumMap<>(Direction.class);
  private final Map<Direction, Boolean> enforced = new EnumMap<>(Direction.class);
  private final Map<Direction, Boolean> defaultDeny = new EnumMap<>(Direction.class);
  private boolean namedPortPeers;
  private boolean anyPeerNamedPorts;
  private boolean hasAudit;
  private SubjectRules enforcedOnly;

  /**
   * {@code selecting} are the rules known to select the subject (the selector cache's answer), in
   * their order.
   */
  static SubjectRules ofSelecting(List<PolicyRule> selecting) {
    SubjectRules sr = new SubjectRules();
    for (Direction d : Direction.values()) {
      sr.sections.put(d, new ArrayList<>());
      sr.enforced.put(d, false);
      sr.defaultDeny.put(d, false);
    }
    for (PolicyRule rule : selecting) {
      sr.rules.add(rule);
      sr.hasAudit |= rule.audited();
      for (Direction d : Direction.values()) {
        if (rule.appliesIn(d)) {
          sr.enforced.put(d, true);
          sr.defaultDeny.merge(d, rule.defaultDenies(d), Boolean::logicalOr);
        }
      }
      for (RuleSection s : rule.sections()) {
        sr.sections.get(s.direction()).add(s);
        if (s.hasNamedPorts() && s.direction() == Direction.EGRESS) {
          sr.namedPortPeers |= !s.anyPeer();
          sr.anyPeerNamedPorts |= s.anyPeer();
        }
      }
    }
    return sr;
  }

  List<PolicyRule> rules() {
    return rules;
  }

  /** Whether an audit-mode rule selects the subject. */
  boolean hasAudit() {
    return hasAudit;
  }

  /**
   * The enforced rules alone: what the datapath enforces when audit-mode rules select the subject
   * too (this same object when none do).
   */
  SubjectRules enforcedOnly() {
    if (!hasAudit) {
      return this;
    }
    if (enforcedOnly == null) {
      enforcedOnly = SubjectRules.ofSelecting(rules.stream().filter(r -> !r.audited()).toList());
    }
    return enforcedOnly;
  }

  List<RuleSection> sections(Direction d) {
    return sections.get(d);
  }

  boolean enforces(Direction d) {
    return enforced.get(d);
  }

  /** Unenforced directions allow everything, so they count as not default-deny. */
  boolean defaultDenies(Direction d) {
    return enforced.get(d) && defaultDeny.get(d);
  }

  /** Whether an egress section with explicit peers uses named ports (they depend on the peer). */
  boolean hasNamedPortPeers() {
    return namedPortPeers;
  }

  /** Whether an egress section toward any peer uses named ports (they depend on every pod). */
  boolean hasAnyPeerNamedPorts() {
    return anyPeerNamedPorts;
  }
}
