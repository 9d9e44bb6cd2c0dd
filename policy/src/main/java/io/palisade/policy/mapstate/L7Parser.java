package io.palisade.policy.mapstate;

import io.palisade.policy.Direction;

/** The L7 protocols whose rules send traffic through a proxy, each with its own listener port. */
public enum L7Parser {
  HTTP(15080),
  KAFKA(15090),
  DNS(15053);

  private final int ingressProxyPort;

  L7Parser(int ingressProxyPort) {
    this.ingressProxyPort = ingressProxyPort;
  }

  /** The node-local proxy listener for this protocol in {@code direction}. */
  public int proxyPort(Direction direction) {
    return direction == Direction.INGRESS ? ingressProxyPort : ingressProxyPort + 1;
  }
}
