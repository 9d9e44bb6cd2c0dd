package io.palisade.xds;

import io.palisade.policy.Direction;
import java.util.List;

/**
 * What a node's listeners are a function of: who reads them, and per filter chain the direction,
 * the endpoint and its addresses. Rules and peers are not in it (they live in the routes), so a
 * policy change leaves it equal and the listeners are taken as they were, without building them to
 * compare.
 */
record ListenerKey(Target target, List<Chain> chains) {

  ListenerKey {
    chains = List.copyOf(chains);
  }

  /** One local endpoint with HTTP rules in {@code direction}: a filter chain of its own. */
  record Chain(Direction direction, String endpointId, List<String> addresses) {

    Chain {
      addresses = List.copyOf(addresses);
    }
  }
}
