package io.palisade.policy.flow;

import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;

/** A request of one L7 protocol traced on a port that a proxy of another protocol parses. */
public final class L7ParserMismatch extends IllegalArgumentException {

  private final transient FlowEndpoint endpoint;
  private final Direction direction;
  private final L7Parser parser;

  public L7ParserMismatch(FlowEndpoint endpoint, Direction direction, L7Parser parser) {
    super(
        "the port is redirected to the "
            + parser
            + " proxy on "
            + direction.lowerName()
            + " of "
            + endpoint);
    this.endpoint = endpoint;
    this.direction = direction;
    this.parser = parser;
  }

  public FlowEndpoint endpoint() {
    return endpoint;
  }

  public Direction direction() {
    return direction;
  }

  /** The parser the port's rules are for. */
  public L7Parser parser() {
    return parser;
  }
}
