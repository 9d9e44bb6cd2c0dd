package io.palisade.xds;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.policy.Direction;
import io.palisade.xds.PeerAddresses.AddressSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the translations of many nodes against one ipcache share: the peers' addresses, and each
 * endpoint's routes by what they are made of (direction, grants, the addresses those grants resolve
 * to, the target's kind). Nodes whose endpoints carry the same rules differ only in names and
 * addresses, so their RBAC is built (and its {@code Any} checked, see {@link ConfigValidator})
 * once. Thread-safe: a publisher translates its nodes in parallel.
 */
final class Translation {

  /** Beyond this many distinct route contents the cache starts again rather than growing. */
  static final int MAX_ROUTES = 50_000;

  /** What a route's content is a function of; its addresses make it valid across ipcaches. */
  private record RouteKey(
      Direction direction,
      List<L7Grant> grants,
      List<Optional<AddressSet>> addresses,
      boolean envoy) {}

  private final PeerAddresses peers;
  private final Map<RouteKey, RouteConfiguration> routes;

  /** A translation of its own, sharing nothing (callers translating one node). */
  Translation(Map<String, Long> ipcache) {
    this(new PeerAddresses(ipcache), new ConcurrentHashMap<>());
  }

  private Translation(PeerAddresses peers, Map<RouteKey, RouteConfiguration> routes) {
    this.peers = peers;
    this.routes = routes;
  }

  /**
   * The same route cache over a new ipcache: an entry stays right, since its key holds the
   * addresses it was built from.
   */
  Translation withIpcache(Map<String, Long> ipcache) {
    return new Translation(new PeerAddresses(ipcache), routes);
  }

  PeerAddresses peers() {
    return peers;
  }

  /**
   * The routes of {@code grants} in {@code direction} named {@code name}: the cached content when
   * these grants resolved to these addresses before, else {@code build}'s. A build that reports
   * errors (into its own {@link Errors}, copied to {@code errors}) is not kept, so its messages
   * always name the endpoint at hand.
   */
  RouteConfiguration routes(
      String name,
      Direction direction,
      List<L7Grant> grants,
      Target target,
      Errors errors,
      Function<Errors, RouteConfiguration> build) {
    List<Optional<AddressSet>> addresses = new ArrayList<>(grants.size());
    for (L7Grant g : grants) {
      addresses.add(peers.of(g.peers()));
    }
    RouteKey key = new RouteKey(direction, grants, addresses, target instanceof Target.Envoy);
    RouteConfiguration template = routes.get(key);
    if (template == null) {
      Errors own = new Errors();
      template = build.apply(own);
      if (!own.messages().isEmpty()) {
        own.messages().forEach(errors::addMessage);
        return template;
      }
      if (routes.size() >= MAX_ROUTES) {
        routes.clear();
      }
      routes.put(key, template);
    }
    return template.toBuilder().setName(name).build();
  }
}
