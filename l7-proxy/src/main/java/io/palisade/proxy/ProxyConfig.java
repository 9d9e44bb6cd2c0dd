package io.palisade.proxy;

import io.palisade.xds.ConfigValidator;
import io.palisade.xds.L7TranslationException;
import io.palisade.xds.NodeResources;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A node's Envoy resources compiled for this proxy: listeners by port, each filter chain with its
 * addresses and routes, each route with its RBAC. Built completely or not at all, so a config
 * either applies whole or is refused with every problem listed. Immutable, shared by every event
 * loop.
 */
final class ProxyConfig {

  static final ProxyConfig EMPTY = new ProxyConfig(Map.of());

  /** What the proxy does with one request. */
  sealed interface Outcome {
    /** Forwarded: the route's RBAC admitted it under {@code policy}. */
    record Forward(String policy) implements Outcome {}

    /** Refused by RBAC ({@code policy} names the DENY policy that matched, if any). */
    record Deny(String reason) implements Outcome {}

    /** No route of the virtual host takes the path: 404, as Envoy answers. */
    record NoRoute() implements Outcome {}
  }

  private final Map<Integer, ListenerConfig> listeners;

  private ProxyConfig(Map<Integer, ListenerConfig> listeners) {
    this.listeners = Map.copyOf(listeners);
  }

  /** Checks and compiles {@code resources}, or throws {@link ProxyConfigException}. */
  static ProxyConfig compile(NodeResources resources) {
    Problems problems = new Problems();
    try {
      ConfigValidator.check(resources);
    } catch (L7TranslationException e) {
      e.errors().forEach(err -> problems.add("resources", err));
    }
    Map<String, RouteTable> routes = new HashMap<>();
    for (int i = 0; i < resources.routes().size(); i++) {
      var rc = resources.routes().get(i);
      RouteTable t = RouteTable.compile(rc, "route_configuration[" + rc.getName() + "]", problems);
      if (routes.put(rc.getName(), t) != null) {
        problems.add("route_configuration[" + rc.getName() + "]", "is defined twice");
      }
    }
    Map<String, Boolean> originalDst = new HashMap<>();
    for (var c : resources.clusters()) {
      originalDst.put(
          c.getName(),
          c.getType() == io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.ORIGINAL_DST);
    }
    Map<Integer, ListenerConfig> listeners = new TreeMap<>();
    for (var l : resources.listeners()) {
      ListenerConfig lc = ListenerConfig.compile(l, routes, originalDst, problems);
      if (lc != null && listeners.put(lc.port(), lc) != null) {
        problems.add("listener[" + l.getName() + "]", "shares port " + lc.port() + " with another");
      }
    }
    problems.throwIfAny();
    return new ProxyConfig(listeners);
  }

  Map<Integer, ListenerConfig> listeners() {
    return listeners;
  }

  Optional<ListenerConfig> listener(int port) {
    return Optional.ofNullable(listeners.get(port));
  }

  /**
   * The outcome of one request on listener {@code port}: the filter chain chosen from the
   * connection's endpoints as Envoy chooses it, the route by path, then the route's RBAC.
   */
  Outcome decide(int port, String path, RequestFacts request) {
    ListenerConfig l = listeners.get(port);
    if (l == null) {
      return new Outcome.Deny("no listener on port " + port);
    }
    Optional<ListenerConfig.Chain> chain = l.chain(request.source(), request.destination());
    if (chain.isEmpty()) {
      return new Outcome.Deny("no filter chain for " + request.destination().getHostAddress());
    }
    return chain.get().routes().decide(path, request, chain.get().listenerRbac());
  }

  static InetAddress plain(InetAddress a) {
    return Cidr.plain(a);
  }
}
