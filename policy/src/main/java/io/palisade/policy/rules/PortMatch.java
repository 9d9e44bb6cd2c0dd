package io.palisade.policy.rules;

import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Policy;
import java.util.Optional;

/**
 * One port entry of a section: a protocol ({@link Protocol#ANY} for TCP, UDP and SCTP), a port
 * range ({@code port} 0 for every port) or a named port, and the L7 rules that redirect it.
 */
public record PortMatch(
    Protocol protocol, int port, int endPort, Optional<String> name, Optional<L7Policy> l7) {

  public PortMatch {
    if (endPort < port) {
      endPort = port;
    }
  }

  public static PortMatch numeric(Protocol protocol, int port, int endPort, Optional<L7Policy> l7) {
    return new PortMatch(protocol, port, endPort, Optional.empty(), l7);
  }

  public static PortMatch named(Protocol protocol, String name, Optional<L7Policy> l7) {
    return new PortMatch(protocol, 0, 0, Optional.of(name), l7);
  }

  public boolean allPorts() {
    return name.isEmpty() && port == 0;
  }

  /** The protocols this entry stands for: ANY expands to TCP, UDP and SCTP. */
  public java.util.List<Protocol> protocols() {
    return protocol == Protocol.ANY
        ? java.util.List.of(Protocol.TCP, Protocol.UDP, Protocol.SCTP)
        : java.util.List.of(protocol);
  }

  @Override
  public String toString() {
    String p = name.orElse(port == 0 ? "*" : endPort > port ? port + "-" + endPort : "" + port);
    return p + "/" + protocol + (l7.isPresent() ? " +" + l7.get().parser() : "");
  }
}
