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
}
