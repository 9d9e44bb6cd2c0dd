package io.palisade.pipeline.model;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;
import java.util.Set;

/**
 * One L7 rule a proxy applies to an endpoint's redirected TCP ports {@code firstPort..lastPort} in
 * one direction, with the peer identities it admits ({@link
 * io.palisade.policy.mapstate.MapStateKey#ANY_IDENTITY} for any peer). The rule is the policy's own
 * ({@code PortRuleHTTP} for HTTP); the parser's wildcard rule admits every request.
 */
public record L7Grant(
    Direction direction,
    L7Parser parser,
    int firstPort,
    int lastPort,
    Object rule,
    Set<Long> peers) {

  public L7Grant {
    peers = Set.copyOf(peers);
    if (firstPort < 1 || lastPort > 0xFFFF || firstPort > lastPort) {
      throw new IllegalArgumentException("not a port range: " + firstPort + "-" + lastPort);
    }
  }
}
