package io.palisade.policy.rules;

import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Policy;
import java.util.Optional;

/**
 * One port entry of a section: a protocol ({@link Protocol#ANY} for TCP, UDP and SCTP), a port
 * range ({@code port} 0 for every port) or a named port, the L7 rules that redirect it, and where
 * in the section it was written ({@code toPorts[1]}; empty when not known), so that trace can name
 * the L7 rule that decided.
 */
public record PortMatch(
    Protocol protocol,
    int port,
    int endPort,
    Optional<String> name,
    Optional<L7Policy> l7,
    String path) {

  public PortMatch {
    if (endPort < port) {
      endPort = port;
    }
  }

  public static PortMatch numeric(Protocol protocol, int port, int endPort, Optional<L7Policy> l7) {
    return new PortMatch(protocol, port, endPort, Optional.empty(), l7, "");
  }

  public static PortMatch named(Protocol protocol, String name, Optional<L7Policy> l7) {
    return new PortMatch(protocol, 0, 0, Optional.of(name), l7, "");
  }

  /** The same entry, written at {@code path} of its section. */
  public PortMatch at(String path) {
    return new PortMatch(protocol, port, endPort, name, l7, path);
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
