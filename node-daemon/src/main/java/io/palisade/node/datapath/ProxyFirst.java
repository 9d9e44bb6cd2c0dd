package io.palisade.node.datapath;

import io.palisade.pipeline.model.LocalState;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ordering rule between the node's L7 proxy and the datapath, in one place for file mode
 * ({@link DatapathApplier}) and stream mode: the proxy's config goes first, then the maps. A port
 * whose config goes leaves the ready map before the proxy drops it, and a port enters it only once
 * the proxy listens there with the new config, so a redirect never reaches a proxy that does not
 * hold its rules. A config the proxy refuses takes every port out of the map: redirected traffic
 * drops (the proxy may still hold an older, looser config) while the rest of the revision is
 * enforced.
 */
public final class ProxyFirst {

  private ProxyFirst() {}

  /**
   * Puts the proxy config of {@code local} (peers resolved through {@code peers}, prefix to
   * identity) in force and makes its ports ready; returns the refusal, or "" when the proxy holds
   * it. Call before the maps of the same revision are written.
   */
  public static String update(
      Datapath datapath, NodeProxy proxy, LocalState local, Map<String, Long> peers) {
    try {
      NodeProxy.Update update = proxy.prepare(local, peers);
      Set<Integer> keep = new TreeSet<>(datapath.readyProxyPorts());
      keep.retainAll(update.ports());
      datapath.readyProxyPorts(keep);
      datapath.readyProxyPorts(update.commit());
      return "";
    } catch (RuntimeException refused) {
      datapath.readyProxyPorts(Set.of());
      return "the node's L7 proxy refused the config, so its redirected traffic is dropped: "
          + refused.getMessage();
    }
  }
}
