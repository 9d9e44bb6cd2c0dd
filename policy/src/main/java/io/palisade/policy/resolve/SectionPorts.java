package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The MapState entries one section gives each peer it selects, as key shapes ({@link
 * MapState#shapeOf}) with their entries: the same for every (subject, peer), so worked out once per
 * section rather than once per peer of every subject. A named port stays a port match: its numbers
 * come from the subject's or the peer's pods.
 */
final class SectionPorts {

  /**
   * One port entry of the section: its shapes ({@code null} for a named port), and its entry where
   * the subject's direction is default-deny and where it is not (an L7 rule there is a wildcard).
   */
  private record Port(
      PortMatch match,
      MapStateKey[] shapes,
      Protocol[] protocols,
      MapStateEntry defaultDeny,
      MapStateEntry otherwise) {

    MapStateEntry entry(boolean defaultDenies) {
      return defaultDenies ? defaultDeny : otherwise;
    }
  }

  private final RuleSection section;
  // An array, not a list: addTo walks it for every (subject, peer), and a list's iterator was a
  // quarter of what a full resolution allocated.
  private final Port[] ports;
  private final boolean namedPorts;

  private SectionPorts(RuleSection section, Port[] ports, boolean namedPorts) {
    this.section = section;
    this.ports = ports;
    this.namedPorts = namedPorts;
  }

  static SectionPorts of(RuleSection section) {
    Direction d = section.direction();
    if (section.allPorts()) {
      MapStateEntry entry = section.deny() ? MapStateEntry.DENY : MapStateEntry.ALLOW;
      MapStateKey[] all = {MapState.shapeOf(MapStateKey.allPorts(d, MapStateKey.ANY_IDENTITY))};
      return new SectionPorts(section, new Port[] {new Port(null, all, null, entry, entry)}, false);
    }
    List<Port> ports = new ArrayList<>();
    boolean named = false;
    for (PortMatch pm : section.ports()) {
      MapStateKey[] shapes = null;
      if (pm.name().isPresent()) {
        named = true;
      } else {
        shapes =
            PortKeys.keys(d, MapStateKey.ANY_IDENTITY, pm, List.of()).stream()
                .map(MapState::shapeOf)
                .toArray(MapStateKey[]::new);
      }
      ports.add(
          new Port(
              pm,
              shapes,
              pm.protocols().toArray(Protocol[]::new),
              entryFor(section, pm, true),
              entryFor(section, pm, false)));
    }
    return new SectionPorts(section, ports.toArray(Port[]::new), named);
  }

  private static MapStateEntry entryFor(RuleSection section, PortMatch pm, boolean defaultDeny) {
    if (section.deny()) {
      return MapStateEntry.DENY;
    }
    return pm.l7()
        .map(l7 -> MapStateEntry.redirect(defaultDeny ? l7 : l7.withWildcard()))
        .orElse(MapStateEntry.ALLOW);
  }

  RuleSection section() {
    return section;
  }

  /** Whether a port of the section is named: its entries depend on pods' named ports. */
  boolean hasNamedPorts() {
    return namedPorts;
  }

  /**
   * Inserts the section's entries for {@code peer}, with {@code named} the named ports that apply
   * (see {@link PolicyEngine#namedPortsFor}).
   */
  void addTo(MapState ms, long peer, boolean defaultDeny, Collection<NamedPort> named) {
    for (Port p : ports) {
      MapStateEntry entry = p.entry(defaultDeny);
      if (p.shapes() != null) {
        for (MapStateKey shape : p.shapes()) {
          ms.insert(peer, shape, entry);
        }
      } else {
        addNamed(ms, peer, p, entry, named);
      }
    }
  }

  /**
   * The keys {@link PortKeys#keys} gives a named port, in the same order, inserted as they are
   * found rather than gathered in a list first.
   */
  private void addNamed(
      MapState ms, long peer, Port p, MapStateEntry entry, Collection<NamedPort> named) {
    String name = p.match().name().orElseThrow();
    for (Protocol proto : p.protocols()) {
      for (NamedPort np : named) {
        if (np.protocol() == proto && np.name().equals(name)) {
          ms.insert(
              peer,
              MapState.shapeOf(
                  MapStateKey.port(
                      section.direction(), MapStateKey.ANY_IDENTITY, proto, np.port())),
              entry);
        }
      }
    }
  }
}
