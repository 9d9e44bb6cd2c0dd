package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.RuleSection;
import java.util.ArrayList;
import java.util.List;

/** The rules that select one subject identity, grouped by direction. */
final class SubjectRules {

  private static final Direction[] DIRECTIONS = Direction.values();

  // By direction ordinal: made for every subject of a full resolution, where enum maps of boxed
  // flags cost more than what they held.
  private final List<PolicyRule> rules = new ArrayList<>();
  private final List<RuleSection> ingress = new ArrayList<>();
  private final List<RuleSection> egress = new ArrayList<>();
  private final boolean[] enforced = new boolean[DIRECTIONS.length];
  private final boolean[] defaultDeny = new boolean[DIRECTIONS.length];
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
    for (PolicyRule rule : selecting) {
      sr.rules.add(rule);
      sr.hasAudit |= rule.audited();
      for (Direction d : DIRECTIONS) {
        if (rule.appliesIn(d)) {
          sr.enforced[d.ordinal()] = true;
          sr.defaultDeny[d.ordinal()] |= rule.defaultDenies(d);
        }
      }
      for (RuleSection s : rule.sections()) {
        sr.sections(s.direction()).add(s);
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
    return d == Direction.INGRESS ? ingress : egress;
  }

  boolean enforces(Direction d) {
    return enforced[d.ordinal()];
  }

  /** Unenforced directions allow everything, so they count as not default-deny. */
  boolean defaultDenies(Direction d) {
    return enforced[d.ordinal()] && defaultDeny[d.ordinal()];
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
