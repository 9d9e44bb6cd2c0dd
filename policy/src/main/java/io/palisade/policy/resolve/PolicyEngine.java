package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import io.palisade.policy.selector.IdentitySelector;
import io.palisade.policy.selector.SelectorCache;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a fixed set of rules over a changing set of identities into the MapState of each subject
 * identity. Policies are computed on first request and then kept current: a new peer identity
 * rebuilds only its own (direction, identity) group in the subjects whose rules have a selector
 * that selects it.
 */
public final class PolicyEngine {

  private final List<PolicyRule> rules;
  private final SelectorCache cache = new SelectorCache();
  private final Map<IdentitySelector, List<RuleSection>> sectionsBySelector = new HashMap<>();
  private final Map<Long, Set<NamedPort>> namedPorts = new HashMap<>();
  private final Map<Long, SubjectRules> subjects = new HashMap<>();
  private final Map<Long, EndpointPolicy> policies = new HashMap<>();

  public PolicyEngine(List<PolicyRule> rules) {
    this.rules = List.copyOf(rules);
    for (PolicyRule rule : this.rules) {
      for (RuleSection section : rule.sections()) {
        for (IdentitySelector s : section.peerSelectors()) {
          cache.register(s);
          sectionsBySelector.computeIfAbsent(s, k -> new ArrayList<>()).add(section);
        }
      }
    }
  }

  public List<PolicyRule> rules() {
    return rules;
  }

  public SelectorCache selectorCache() {
    return cache;
  }

  /**
   * Adds or relabels an identity with the named ports of its pods, and updates every computed
   * policy it affects. Returns the subjects whose policy changed.
   */
  public Set<Long> upsertIdentity(Identity identity, Collection<NamedPort> ports) {
    Set<NamedPort> before = namedPorts.put(identity.id(), Set.copyOf(ports));
    boolean portsChanged = before == null ? !ports.isEmpty() : !before.equals(Set.copyOf(ports));
    Set<Long> relabelled = subjects.containsKey(identity.id()) ? Set.of(identity.id()) : Set.of();
    subjects.remove(identity.id());
    policies.remove(identity.id());
    List<IdentitySelector> changed = cache.upsert(identity);
    return refresh(identity.id(), changed, portsChanged, relabelled);
  }

  /** Removes an identity and updates every computed policy it appeared in. */
  public Set<Long> removeIdentity(long id) {
    Set<NamedPort> before = namedPorts.remove(id);
    subjects.remove(id);
    policies.remove(id);
    List<IdentitySelector> changed = cache.remove(id);
    return refresh(id, changed, before != null && !before.isEmpty(), Set.of());
  }

  private Set<Long> refresh(
      long peer, List<IdentitySelector> changed, boolean portsChanged, Set<Long> relabelled) {
    Set<Long> affected = new LinkedHashSet<>(relabelled);
    Set<PolicyRule> touchedRules = new HashSet<>();
    for (IdentitySelector s : changed) {
      for (RuleSection section : sectionsBySelector.getOrDefault(s, List.of())) {
        touchedRules.add(ruleOf(section));
      }
    }
    for (Map.Entry<Long, EndpointPolicy> e : policies.entrySet()) {
      SubjectRules sr = subjects.get(e.getKey());
      boolean uses = false;
      for (PolicyRule r : touchedRules) {
        uses |= sr.contains(r);
      }
      MapState ms = e.getValue().mapState();
      if (uses || (portsChanged && sr.hasNamedPortPeers())) {
        for (Direction d : Direction.values()) {
          ms.replaceGroup(d, peer, build(e.getKey(), sr, peer));
        }
        affected.add(e.getKey());
      }
      if (portsChanged && sr.hasAnyPeerNamedPorts()) {
        ms.replaceGroup(Direction.EGRESS, MapStateKey.ANY_IDENTITY, build(e.getKey(), sr, 0L));
        affected.add(e.getKey());
      }
    }
    return affected;
  }

  private final Map<RuleSection, PolicyRule> ruleBySection = new HashMap<>();

  private PolicyRule ruleOf(RuleSection section) {
    if (ruleBySection.isEmpty()) {
      for (PolicyRule r : rules) {
        r.sections().forEach(s -> ruleBySection.put(s, r));
      }
    }
    return ruleBySection.get(section);
  }

  /** The policy of {@code subject}, computed on first request. */
  public EndpointPolicy policyFor(long subject) {
    EndpointPolicy p = policies.get(subject);
    if (p == null) {
      SubjectRules sr = subjectRules(subject);
      Set<Direction> enforced = EnumSet.noneOf(Direction.class);
      for (Direction d : Direction.values()) {
        if (sr.enforces(d)) {
          enforced.add(d);
        }
      }
      p = new EndpointPolicy(subject, enforced, build(subject, sr, null));
      policies.put(subject, p);
    }
    return p;
  }

  private SubjectRules subjectRules(long subject) {
    return subjects.computeIfAbsent(
        subject,
        id -> {
          Identity identity = cache.identity(id);
          if (identity == null) {
            throw new IllegalArgumentException("unknown identity " + id);
          }
          return SubjectRules.of(rules, identity);
        });
  }

  /** Builds the MapState of a subject, or only its groups for {@code onlyPeer} when given. */
  private MapState build(long subject, SubjectRules sr, Long onlyPeer) {
    MapState ms = new MapState();
    for (Direction d : Direction.values()) {
      boolean defaultDeny = sr.defaultDenies(d);
      if (!defaultDeny && (onlyPeer == null || onlyPeer == MapStateKey.ANY_IDENTITY)) {
        ms.insert(MapStateKey.allPorts(d, MapStateKey.ANY_IDENTITY), MapStateEntry.ALLOW);
      }
      for (RuleSection section : sr.sections(d)) {
        addSection(ms, subject, section, defaultDeny, onlyPeer);
      }
    }
    return ms;
  }

  private void addSection(
      MapState ms, long subject, RuleSection section, boolean defaultDeny, Long onlyPeer) {
    Collection<Long> peers =
        section.anyPeer()
            ? List.of(MapStateKey.ANY_IDENTITY)
            : cache.selections(section.peerSelectors());
    Direction d = section.direction();
    for (long peer : peers) {
      if (onlyPeer != null && onlyPeer != peer) {
        continue;
      }
      if (section.allPorts()) {
        ms.insert(
            MapStateKey.allPorts(d, peer),
            section.deny() ? MapStateEntry.DENY : MapStateEntry.ALLOW);
        continue;
      }
      Collection<NamedPort> named =
          section.hasNamedPorts() ? namedPortsFor(d, subject, peer) : List.of();
      for (PortMatch pm : section.ports()) {
        MapStateEntry entry = entryFor(section, pm, defaultDeny);
        for (MapStateKey key : PortKeys.keys(d, peer, pm, named)) {
          ms.insert(key, entry);
        }
      }
    }
  }

  private static MapStateEntry entryFor(RuleSection section, PortMatch pm, boolean defaultDeny) {
    if (section.deny()) {
      return MapStateEntry.DENY;
    }
    return pm.l7()
        .map(l7 -> MapStateEntry.redirect(defaultDeny ? l7 : l7.withWildcard()))
        .orElse(MapStateEntry.ALLOW);
  }

  /**
   * Named ports resolve through the subject's own pods on ingress, through the peer's pods on
   * egress, and through every pod when the peer is anyone.
   */
  Collection<NamedPort> namedPortsFor(Direction d, long subject, long peer) {
    if (d == Direction.INGRESS) {
      return namedPorts.getOrDefault(subject, Set.of());
    }
    if (peer != MapStateKey.ANY_IDENTITY) {
      return namedPorts.getOrDefault(peer, Set.of());
    }
    Set<NamedPort> all = new HashSet<>();
    namedPorts.values().forEach(all::addAll);
    return all;
  }
}
