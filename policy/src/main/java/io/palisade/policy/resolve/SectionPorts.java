package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.ShapedEntry;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The MapState entries one section gives each peer it selects, as key shapes ({@link
 * MapState#shapeOf}) with their entries: the same for every (subject, peer), so worked out once per
 * section rather than once per peer of every subject. A named port stays a port match: its numbers
 * come from the subject's or the peer's pods.
 */
final class SectionPorts {

  /**
   * One port entry of the section: its entries by shape where the subject's direction is
   * default-deny and where it is not (an L7 rule there is a wildcard), {@code null} for a named
   * port, whose keys depend on pods.
   */
  private record Port(
      PortMatch match,
      ShapedEntry[] defaultDenyEntries,
      ShapedEntry[] otherwiseEntries,
      Protocol[] protocols,
      MapStateEntry defaultDeny,
      MapStateEntry otherwise) {

    static Port of(
        PortMatch match, MapStateKey[] shapes, MapStateEntry defaultDeny, MapStateEntry otherwise) {
      return new Port(
          match,
          shaped(shapes, defaultDeny),
          shaped(shapes, otherwise),
          match == null ? null : match.protocols().toArray(Protocol[]::new),
          defaultDeny,
          otherwise);
    }

    private static ShapedEntry[] shaped(MapStateKey[] shapes, MapStateEntry entry) {
      if (shapes == null) {
        return null;
      }
      ShapedEntry[] out = new ShapedEntry[shapes.length];
      for (int i = 0; i < shapes.length; i++) {
        out[i] = ShapedEntry.of(shapes[i], entry);
      }
      return out;
    }

    MapStateEntry entry(boolean defaultDenies) {
      return defaultDenies ? defaultDeny : otherwise;
    }

    ShapedEntry[] entries(boolean defaultDenies) {
      return defaultDenies ? defaultDenyEntries : otherwiseEntries;
    }
  }

  /** The shapes of each named port's key, by direction ordinal. */
  private static final ConcurrentHashMap<NamedPort, MapStateKey[]> NAMED_PORT_SHAPES =
      new ConcurrentHashMap<>();

  /**
   * How many named ports' shapes are kept at most. Port names and numbers come and go with the pods
   * over an operator's life; past this the cache starts again rather than grow with them (a shape
   * is cheap to find again, and stays the one instance {@link MapState#shapeOf} keeps).
   */
  static final int NAMED_PORT_SHAPES_MAX = 4096;

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
      return new SectionPorts(section, new Port[] {Port.of(null, all, entry, entry)}, false);
    }
    List<Port> ports = new ArrayList<>();
    boolean named = false;
    for (PortMatch pm : section.ports()) {
      MapStateKey[] shapes = null;
      if (pm.name().isPresent()) {
        named = true;
      } else {
        shapes =
            PortKeys.keys(d, MapStateKey.ANY_IDENTITY, pm).stream()
                .map(MapState::shapeOf)
                .toArray(MapStateKey[]::new);
      }
      ports.add(Port.of(pm, shapes, entryFor(section, pm, true), entryFor(section, pm, false)));
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
  void addTo(MapState ms, long peer, boolean defaultDeny, List<NamedPort> named) {
    for (Port p : ports) {
      ShapedEntry[] entries = p.entries(defaultDeny);
      if (entries != null) {
        for (ShapedEntry e : entries) {
          ms.insert(peer, e);
        }
      } else {
        addNamed(ms, peer, p, p.entry(defaultDeny), named);
      }
    }
  }

  /**
   * A named port's keys: for each of its protocols, every number {@code named} gives its name,
   * inserted as found rather than gathered in a list first.
   */
  private void addNamed(
      MapState ms, long peer, Port p, MapStateEntry entry, List<NamedPort> named) {
    String name = p.match().name().orElseThrow();
    for (Protocol proto : p.protocols()) {
      for (int i = 0; i < named.size(); i++) {
        NamedPort np = named.get(i);
        if (np.protocol() == proto && np.name().equals(name)) {
          ms.insert(peer, shapeOf(np, section.direction()), entry);
        }
      }
    }
  }

  /**
   * The shape of a named port's key in direction {@code d}. Kept per named port: a named port's key
   * made for every (subject, peer) only to find its shared shape was a twentieth of what a full
   * resolution allocated, and a cluster declares few distinct named ports.
   */
  static MapStateKey shapeOf(NamedPort np, Direction d) {
    MapStateKey[] shapes = NAMED_PORT_SHAPES.get(np);
    if (shapes == null) {
      shapes = new MapStateKey[Direction.values().length];
      for (Direction each : Direction.values()) {
        shapes[each.ordinal()] =
            MapState.shapeOf(
                MapStateKey.port(each, MapStateKey.ANY_IDENTITY, np.protocol(), np.port()));
      }
      if (NAMED_PORT_SHAPES.size() >= NAMED_PORT_SHAPES_MAX) {
        NAMED_PORT_SHAPES.clear();
      }
      NAMED_PORT_SHAPES.putIfAbsent(np, shapes);
    }
    return shapes[d.ordinal()];
  }

  /** How many named ports' shapes are kept now. */
  static int namedPortShapesKept() {
    return NAMED_PORT_SHAPES.size();
  }
}
