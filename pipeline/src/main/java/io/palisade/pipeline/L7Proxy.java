package io.palisade.pipeline;

/**
 * Who enforces the L7 rules of a node's redirects, as the node's daemon announces it. The datapath
 * drops redirected traffic until a proxy is ready for its port, so a node without one enforces its
 * L7 rules nowhere, and status must not say otherwise.
 */
public enum L7Proxy {
  /** No proxy: redirected traffic is dropped. */
  NONE,
  /** The node daemon's own proxy, configured before its maps redirect: its acks cover L7. */
  EMBEDDED,
  /** An Envoy fed over xDS: L7 rules hold once it acknowledged their config. */
  ENVOY
}
