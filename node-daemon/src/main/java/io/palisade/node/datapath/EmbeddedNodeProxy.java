package io.palisade.node.datapath;

import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.proxy.EmbeddedProxy;
import io.palisade.proxy.ProxyOptions;
import io.palisade.xds.L7Translator;
import io.palisade.xds.NodeResources;
import io.palisade.xds.Target;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node daemon's own L7 proxy ({@link EmbeddedProxy}): each revision's local state is translated
 * as for Envoy ({@link L7Translator}) and enforced in process. Listening sockets are made in the
 * network namespace of the thread that commits an update, upstream sockets in that of the thread
 * that started the proxy: both must be the node's.
 */
public final class EmbeddedNodeProxy implements NodeProxy {

  private final EmbeddedProxy proxy;

  private EmbeddedNodeProxy(EmbeddedProxy proxy) {
    this.proxy = proxy;
  }

  /** Starts the proxy in the calling thread's network namespace, with no listener yet. */
  public static EmbeddedNodeProxy start() {
    return new EmbeddedNodeProxy(EmbeddedProxy.start(ProxyOptions.defaults()));
  }

  @Override
  public Update prepare(LocalState local, Map<String, Long> ipcache) {
    NodeResources resources = L7Translator.translate(NodeL7.of(local), ipcache, new Target.Envoy());
    Set<Integer> ports = new TreeSet<>();
    resources.listeners().forEach(l -> ports.add(l.getAddress().getSocketAddress().getPortValue()));
    return new Update() {
      @Override
      public Set<Integer> ports() {
        return Set.copyOf(ports);
      }

      @Override
      public Set<Integer> commit() {
        proxy.update(resources);
        return proxy.readyPorts();
      }
    };
  }

  @Override
  public void close() {
    proxy.close();
  }
}
