package io.palisade.xds;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/** The Envoy resources of one node, each list in name order. */
public record NodeResources(
    List<Cluster> clusters, List<Listener> listeners, List<RouteConfiguration> routes) {

  public static final NodeResources EMPTY = new NodeResources(List.of(), List.of(), List.of());

  public NodeResources {
    clusters = List.copyOf(clusters);
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
  }

  /**
   * These resources, holding {@code before}'s list of a type wherever the content is the same. A
   * change usually leaves clusters and listeners as they were; with the very same lists, every
   * later comparison of this config (the checks, the history, the last config set) ends at the
   * first reference instead of walking each node's listeners again.
   */
  public NodeResources sharing(NodeResources before) {
    return new NodeResources(
        clusters.equals(before.clusters) ? before.clusters : clusters,
        listeners.equals(before.listeners) ? before.listeners : listeners,
        routes.equals(before.routes) ? before.routes : routes);
  }
}
