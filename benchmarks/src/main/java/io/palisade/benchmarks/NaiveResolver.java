package io.palisade.benchmarks;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.resolve.PortPrefixes;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import io.palisade.policy.selector.IdentitySelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The baseline of full resolution: the MapState the engine computes, computed the way the reference
 * evaluator decides a flow, straight from the rules. For each subject it scans every rule, and for
 * each section it tests every identity against the section's selectors; nothing is shared between
 * subjects (no selector cache) and nothing is kept. The entries it inserts, and so the MapState,
 * are the engine's; {@link BenchmarkReport} checks that they are equal before it measures.
 */
final class NaiveResolver {

  private final List<PolicyRule> rules;
  private final List<Identity> identities;
  private final Map<Long, Set<NamedPort>> namedPorts;

  NaiveResolver(
      List<PolicyRule> rules, List<Identity> identities, Map<Long, Set<NamedPort>> namedPorts) {
    this.rules = rules;
    this.identities = identities;
    this.namedPorts = namedPorts;
  }

  MapState mapState(Identity subject) {
    MapState ms = new MapState();
    for (Direction d : Direction.values()) {
      List<PolicyRule> selecting = new ArrayList<>();
      boolean defaultDeny = false;
      for (PolicyRule rule : rules) {
        if (rule.selects(subject) && rule.appliesIn(d)) {
          selecting.add(rule);
          defaultDeny |= rule.defaultDenies(d);
        }
      }
      if (!defaultDeny) {
        ms.insert(MapStateKey.allPorts(d, MapStateKey.ANY_IDENTITY), MapStateEntry.ALLOW);
      }
      for (PolicyRule rule : selecting) {
        for (RuleSection section : rule.sections(d)) {
          for (long peer : peers(section)) {
            insert(ms, subject, section, peer, defaultDeny);
          }
        }
      }
    }
    return ms;
  }

  private List<Long> peers(RuleSection section) {
    if (section.anyPeer()) {
      return List.of(MapStateKey.ANY_IDENTITY);
    }
    List<Long> out = new ArrayList<>();
    for (Identity id : identities) {
      for (IdentitySelector s : section.peerSelectors()) {
        if (s.selects(id)) {
          out.add(id.id());
          break;
        }
      }
    }
    return out;
  }

  private void insert(
      MapState ms, Identity subject, RuleSection section, long peer, boolean defaultDeny) {
    Direction d = section.direction();
    if (section.allPorts()) {
      ms.insert(
          MapStateKey.allPorts(d, peer), section.deny() ? MapStateEntry.DENY : MapStateEntry.ALLOW);
      return;
    }
    for (PortMatch pm : section.ports()) {
      MapStateEntry entry =
          section.deny()
              ? MapStateEntry.DENY
              : pm.l7()
                  .map(l7 -> MapStateEntry.redirect(defaultDeny ? l7 : l7.withWildcard()))
                  .orElse(MapStateEntry.ALLOW);
      for (MapStateKey key : keys(d, peer, pm, namedPortsFor(d, subject, peer))) {
        ms.insert(key, entry);
      }
    }
  }

  /** Ranges become prefixes; a named port resolves through the pods it is relative to. */
  private static List<MapStateKey> keys(
      Direction d, long peer, PortMatch pm, Collection<NamedPort> named) {
    List<MapStateKey> out = new ArrayList<>();
    for (Protocol proto : pm.protocols()) {
      if (pm.name().isPresent()) {
        for (NamedPort np : named) {
          if (np.name().equals(pm.name().get()) && np.protocol() == proto) {
            out.add(MapStateKey.port(d, peer, proto, np.port()));
          }
        }
      } else if (pm.port() == 0) {
        out.add(MapStateKey.protocol(d, peer, proto));
      } else {
        for (PortPrefixes.Block b : PortPrefixes.of(pm.port(), pm.endPort())) {
          out.add(new MapStateKey(d, peer, proto.number(), b.port(), b.bits()));
        }
      }
    }
    return out;
  }

  private Collection<NamedPort> namedPortsFor(Direction d, Identity subject, long peer) {
    if (d == Direction.INGRESS) {
      return namedPorts.getOrDefault(subject.id(), Set.of());
    }
    if (peer != MapStateKey.ANY_IDENTITY) {
      return namedPorts.getOrDefault(peer, Set.of());
    }
    Set<NamedPort> all = new HashSet<>();
    namedPorts.values().forEach(all::addAll);
    return all;
  }
}
