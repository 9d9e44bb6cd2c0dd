package io.palisade.node.datapath;

import io.palisade.proxy.ProxyEvent;
import java.util.Optional;
import java.util.function.Consumer;

/** Which L7 proxy takes the node's redirects ({@code --l7-proxy}). */
public enum L7ProxyMode {
  /** None: the redirect is not set up, no port is ever ready, and redirected traffic is dropped. */
  none,
  /**
   * The daemon's own proxy (the default): each revision's L7 rules are translated as for Envoy and
   * enforced in process ({@link EmbeddedNodeProxy}), before the maps redirect to it.
   */
  embedded,
  /**
   * An Envoy the DaemonSet runs beside the daemon, fed by the operator's ADS endpoint: the redirect
   * is set up and a port is ready while something listens on it ({@link ListeningProxy}).
   */
  envoy;

  /** Who the node's hello names as enforcing its L7 rules. */
  public io.palisade.pipeline.L7Proxy announced() {
    return switch (this) {
      case none -> io.palisade.pipeline.L7Proxy.NONE;
      case embedded -> io.palisade.pipeline.L7Proxy.EMBEDDED;
      case envoy -> io.palisade.pipeline.L7Proxy.ENVOY;
    };
  }

  /**
   * Sets up the redirect in {@code datapath} and starts the proxy, in the calling thread's network
   * namespace (the node's); empty for {@link #none}.
   */
  public Optional<NodeProxy> start(Datapath datapath) {
    return start(datapath, io.palisade.node.fqdn.FqdnOptions.defaults());
  }

  /** As {@link #start(Datapath)}, with the embedded DNS proxy's {@code toFQDNs} settings. */
  public Optional<NodeProxy> start(Datapath datapath, io.palisade.node.fqdn.FqdnOptions fqdn) {
    return start(datapath, fqdn, e -> {});
  }

  /**
   * As {@link #start(Datapath, io.palisade.node.fqdn.FqdnOptions)}; the embedded proxy tells {@code
   * events} of every HTTP request.
   */
  public Optional<NodeProxy> start(
      Datapath datapath, io.palisade.node.fqdn.FqdnOptions fqdn, Consumer<ProxyEvent> events) {
    return switch (this) {
      case none -> Optional.empty();
      case embedded -> {
        datapath.enableProxyRedirect();
        yield Optional.of(EmbeddedNodeProxy.start(fqdn, events));
      }
      case envoy -> {
        datapath.enableProxyRedirect();
        yield Optional.of(new ListeningProxy());
      }
    };
  }
}
