package io.palisade.policy.rules;

import io.palisade.policy.Direction;
import io.palisade.policy.selector.IdentitySelector;
import java.util.List;
import java.util.Optional;

/**
 * One element of a rule's ingress, ingressDeny, egress or egressDeny list: its peers times its
 * ports. {@code peers} empty means any peer (ports given without L3); a present but empty list
 * selects nothing. {@code allPorts} means no port restriction (L3 only).
 */
public record RuleSection(
    RuleOrigin origin,
    String path,
    Direction direction,
    boolean deny,
    Optional<List<IdentitySelector>> peers,
    boolean allPorts,
    List<PortMatch> ports) {

  public RuleSection {
    peers = peers.map(List::copyOf);
    ports = List.copyOf(ports);
  }

  public boolean anyPeer() {
    return peers.isEmpty();
  }

  public List<IdentitySelector> peerSelectors() {
    return peers.orElse(List.of());
  }

  public boolean hasNamedPorts() {
    // A loop, not a stream: asked for every section of every subject's rules.
    for (int i = 0; i < ports.size(); i++) {
      if (ports.get(i).name().isPresent()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return origin.kind() + " " + origin.qualifiedName() + " " + path;
  }
}
