package io.palisade.node.datapath;

/** Which L7 proxy takes the node's redirects ({@code --l7-proxy}). */
public enum L7ProxyMode {
  /** The node daemon's own proxy, fed each revision in process (the default). */
  embedded,
  /**
   * An Envoy the DaemonSet runs beside the daemon, fed by the operator's ADS endpoint: a port is
   * ready while something listens on it ({@link ListeningProxy}).
   */
  envoy;

  /** Starts the proxy in the calling thread's network namespace (the node's). */
  public NodeProxy start() {
    return switch (this) {
      case embedded -> EmbeddedNodeProxy.start();
      case envoy -> new ListeningProxy();
    };
  }
}
