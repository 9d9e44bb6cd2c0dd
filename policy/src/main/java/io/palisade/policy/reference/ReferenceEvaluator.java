package io.palisade.policy.reference;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.resolve.AuditView;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleOrigin;
import io.palisade.policy.rules.RuleSection;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.IpBlockPodSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides one side of a flow straight from the rules: no rule selecting the subject in the
 * direction allows; otherwise a matching deny denies, a matching allow with L7 rules redirects, a
 * matching allow allows, and what nothing matches is dropped if any selecting rule is default-deny.
 */
public final class ReferenceEvaluator {

  private final List<PolicyRule> rules;
  private final Map<Long, Set<NamedPort>> namedPorts;

  /** {@code namedPorts}: the container ports of the pods of each identity. */
  public ReferenceEvaluator(List<PolicyRule> rules, Map<Long, Set<NamedPort>> namedPorts) {
    this.rules = List.copyOf(rules);
    this.namedPorts = namedPorts;
  }

  /**
   * The side's verdict under the enforced rules, with an audit report when it allows the flow and
   * the audit-mode rules, were they enforced, would drop it: a deny of theirs matches (naming the
   * policies whose deny matched), or they put the direction into default deny and no rule of any
   * mode allows the flow (naming every audit-mode policy selecting the subject there).
   */
  public DirectionVerdict evaluate(
      Direction direction, Identity subject, Peer peer, int protocol, int port) {
    DirectionVerdict enforced =
        evaluate(
            direction, subject, peer, protocol, port, rules.stream().filter(r -> !r.audited()));
    if (enforced.verdict() != Verdict.ALLOW
        || rules.stream()
            .noneMatch(r -> r.audited() && r.appliesIn(direction) && r.selects(subject))) {
      return enforced;
    }
    DirectionVerdict all = evaluate(direction, subject, peer, protocol, port, rules.stream());
    if (all.verdict() != Verdict.DENY) {
      return enforced;
    }
    List<String> names = new ArrayList<>();
    AuditView.Cause cause = AuditView.Cause.DEFAULT_DENY;
    for (Contribution c : all.matched()) {
      if (c.verdict() == Verdict.DENY) {
        cause = AuditView.Cause.DENY;
        addOnce(names, ruleOf(c.section()));
      }
    }
    if (cause == AuditView.Cause.DEFAULT_DENY) {
      for (PolicyRule r : rules) {
        if (r.audited() && r.appliesIn(direction) && r.selects(subject)) {
          addOnce(names, r);
        }
      }
    }
    return new DirectionVerdict(
        direction,
        enforced.verdict(),
        enforced.enforced(),
        enforced.defaultDeny(),
        enforced.selectedBy(),
        enforced.matched(),
        Optional.of(new AuditView.Finding(cause, names)));
  }

  private PolicyRule ruleOf(RuleSection section) {
    for (PolicyRule r : rules) {
      for (RuleSection s : r.sections()) {
        if (s == section) {
          return r;
        }
      }
    }
    throw new IllegalStateException("a section of no rule: " + section);
  }

  private static void addOnce(List<String> names, PolicyRule r) {
    String name = r.origin().kind() + " " + r.origin().qualifiedName();
    if (!names.contains(name)) {
      names.add(name);
    }
  }

  private DirectionVerdict evaluate(
      Direction direction,
      Identity subject,
      Peer peer,
      int protocol,
      int port,
      java.util.stream.Stream<PolicyRule> candidates) {
    boolean selected = false;
    boolean defaultDeny = false;
    List<Contribution> matched = new ArrayList<>();
    List<RuleOrigin> selectedBy = new ArrayList<>();
    for (PolicyRule rule : (Iterable<PolicyRule>) candidates::iterator) {
      if (!rule.appliesIn(direction) || !rule.selects(subject)) {
        continue;
      }
      selected = true;
      selectedBy.add(rule.origin());
      defaultDeny |= rule.defaultDenies(direction);
      for (RuleSection s : rule.sections(direction)) {
        if (peerMatches(s, peer)) {
          PortMatch hit = portMatch(s, direction, subject, peer.identity(), protocol, port);
          if (s.allPorts() || hit != null) {
            Verdict v =
                s.deny()
                    ? Verdict.DENY
                    : hit != null && hit.l7().isPresent() ? Verdict.REDIRECT : Verdict.ALLOW;
            matched.add(
                new Contribution(s, v, portMatches(s, direction, subject, peer, protocol, port)));
          }
        }
      }
    }
    if (!selected) {
      return new DirectionVerdict(direction, Verdict.ALLOW, false, false, selectedBy, matched);
    }
    Verdict verdict = null;
    for (Contribution c : matched) {
      if (verdict == null || c.verdict().outranks(verdict)) {
        verdict = c.verdict();
      }
    }
    if (verdict == null) {
      verdict = defaultDeny ? Verdict.DENY : Verdict.ALLOW;
    }
    return new DirectionVerdict(direction, verdict, true, defaultDeny, selectedBy, matched);
  }

  /**
   * Whether a peer of the section matches. The pods of an ipBlock are judged on the pod's address,
   * as Kubernetes defines them, not on the {@code ipblock:} labels the engine selects them by.
   */
  private static boolean peerMatches(RuleSection s, Peer peer) {
    if (s.anyPeer()) {
      return true;
    }
    for (IdentitySelector sel : s.peerSelectors()) {
      boolean hit =
          sel instanceof IpBlockPodSelector pods
              ? peer.podAddress().map(a -> pods.selectsAddress(a.address())).orElse(false)
              : sel.selects(peer.identity());
      if (hit) {
        return true;
      }
    }
    return false;
  }

  /** The first port entry of the section matching the packet, with L7 entries preferred. */
  private PortMatch portMatch(
      RuleSection s, Direction d, Identity subject, Identity peer, int protocol, int port) {
    PortMatch found = null;
    for (PortMatch pm : s.ports()) {
      if (portMatches(s, pm, d, subject, peer, protocol, port)
          && (found == null || (found.l7().isEmpty() && pm.l7().isPresent()))) {
        found = pm;
      }
    }
    return found;
  }

  /** Every port entry of the section matching the packet, in the order written. */
  private List<PortMatch> portMatches(
      RuleSection s, Direction d, Identity subject, Peer peer, int protocol, int port) {
    List<PortMatch> out = new ArrayList<>();
    for (PortMatch pm : s.ports()) {
      if (portMatches(s, pm, d, subject, peer.identity(), protocol, port)) {
        out.add(pm);
      }
    }
    return out;
  }

  private boolean portMatches(
      RuleSection s,
      PortMatch pm,
      Direction d,
      Identity subject,
      Identity peer,
      int protocol,
      int port) {
    boolean protoOk = false;
    for (Protocol p : pm.protocols()) {
      protoOk |= p.number() == protocol;
    }
    if (!protoOk) {
      return false;
    }
    if (pm.name().isPresent()) {
      for (NamedPort np : portsFor(s, d, subject, peer)) {
        if (np.name().equals(pm.name().get())
            && np.protocol().number() == protocol
            && np.port() == port) {
          return true;
        }
      }
      return false;
    }
    return pm.port() == 0 || (port >= pm.port() && port <= pm.endPort());
  }

  /**
   * A named port means the subject's own container port on ingress, and the peer's on egress; for
   * an any-peer rule on egress, any pod's.
   */
  private Collection<NamedPort> portsFor(
      RuleSection s, Direction d, Identity subject, Identity peer) {
    if (d == Direction.INGRESS) {
      return namedPorts.getOrDefault(subject.id(), Set.of());
    }
    if (!s.anyPeer()) {
      return namedPorts.getOrDefault(peer.id(), Set.of());
    }
    Set<NamedPort> all = new HashSet<>();
    namedPorts.values().forEach(all::addAll);
    return all;
  }
}
