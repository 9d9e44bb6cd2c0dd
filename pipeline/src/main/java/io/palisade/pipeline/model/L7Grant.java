package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;
import java.util.Set;

/**
 * One L7 rule a proxy applies to an endpoint's redirected TCP ports {@code firstPort..lastPort} in
 * one direction, with the peer identities it admits ({@link
 * io.palisade.policy.mapstate.MapStateKey#ANY_IDENTITY} for any peer). The rule is the policy's own
 * ({@code PortRuleHTTP} for HTTP); the parser's wildcard rule admits every request. {@code origins}
 * names where policies wrote the rule ({@code CiliumNetworkPolicy default/rule1
 * spec.ingress[0].toPorts[0].rules.http[1]}); empty for the wildcard of a plain allow.
 */
public record L7Grant(
    Direction direction,
    L7Parser parser,
    int firstPort,
    int lastPort,
    Object rule,
    Set<Long> peers,
    Set<String> origins) {

  public L7Grant {
    peers = Set.copyOf(peers);
    origins = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(origins));
    if (firstPort < 1 || lastPort > 0xFFFF || firstPort > lastPort) {
      throw new IllegalArgumentException("not a port range: " + firstPort + "-" + lastPort);
    }
  }

  /** A grant of a rule of no known origin. */
  public L7Grant(
      Direction direction,
      L7Parser parser,
      int firstPort,
      int lastPort,
      Object rule,
      Set<Long> peers) {
    this(direction, parser, firstPort, lastPort, rule, peers, Set.of());
  }
}
