package io.palisade.policy.flow;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;
import java.util.List;

/**
 * One side of a flow whose port is redirected: the proxy's parser, its decision, and every rule it
 * tried, in the order the policies list them.
 */
public record L7SideTrace(
    Direction direction,
    FlowEndpoint endpoint,
    L7Parser parser,
    boolean allowed,
    List<L7RuleTrace> rules) {

  public L7SideTrace {
    rules = List.copyOf(rules);
  }

  public List<L7RuleTrace> matched() {
    return rules.stream().filter(r -> r.result().matched()).toList();
  }
}
