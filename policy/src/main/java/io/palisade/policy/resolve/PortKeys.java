package io.palisade.policy.resolve;

import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.rules.PortMatch;
import java.util.ArrayList;
import java.util.List;

/** The MapState keys of one port entry toward one peer identity. */
final class PortKeys {

  private PortKeys() {}

  /**
   * Keys for {@code match}, a numbered port: ANY expands to TCP, UDP and SCTP; port 0 covers the
   * protocol; ranges become prefixes. A named port's keys depend on the pods: {@link SectionPorts}
   * finds them.
   */
  static List<MapStateKey> keys(Direction d, long peer, PortMatch match) {
    if (match.name().isPresent()) {
      throw new IllegalArgumentException("a named port has no keys of its own: " + match);
    }
    List<MapStateKey> out = new ArrayList<>();
    for (Protocol proto : match.protocols()) {
      if (match.port() == 0) {
        out.add(MapStateKey.protocol(d, peer, proto));
      } else {
        for (PortPrefixes.Block b : PortPrefixes.of(match.port(), match.endPort())) {
          out.add(new MapStateKey(d, peer, proto.number(), b.port(), b.bits()));
        }
      }
    }
    return out;
  }
}
