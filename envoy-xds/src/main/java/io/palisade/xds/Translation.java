package io.palisade.xds;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.envoyproxy.envoy.config.listener.v3.Listener;
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
 * once. And each node's listeners by what they are made of ({@link ListenerKey}), so a change that
 * touches only rules keeps the very listeners the node had. Thread-safe: a publisher translates its
 * nodes in parallel.
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

  /**
   * Held weakly: an entry lives as long as some node's config holds its list, so the listeners of
   * nodes and endpoints that are gone are not kept.
   */
  private final Cache<ListenerKey, List<Listener>> listeners;

  /** A translation of its own, sharing nothing (callers translating one node). */
  Translation(Map<String, Long> ipcache) {
    this(
        new PeerAddresses(ipcache),
        new ConcurrentHashMap<>(),
        CacheBuilder.newBuilder().weakValues().build());
  }

  private Translation(
      PeerAddresses peers,
      Map<RouteKey, RouteConfiguration> routes,
      Cache<ListenerKey, List<Listener>> listeners) {
    this.peers = peers;
    this.routes = routes;
    this.listeners = listeners;
  }

  /**
   * The same caches over a new ipcache: a route entry stays right, since its key holds the
   * addresses it was built from, and listeners name no peer.
   */
  Translation withIpcache(Map<String, Long> ipcache) {
    return new Translation(new PeerAddresses(ipcache), routes, listeners);
  }

  /**
   * The listeners of {@code key}: the very list built for it before while a config still holds it,
   * else {@code build}'s. A build that reports errors is not kept, so a key found here passed.
   */
  List<Listener> listeners(ListenerKey key, Errors errors, Function<Errors, List<Listener>> build) {
    List<Listener> kept = listeners.getIfPresent(key);
    if (kept != null) {
      return kept;
    }
    Errors own = new Errors();
    List<Listener> built = List.copyOf(build.apply(own));
    if (!own.messages().isEmpty()) {
      own.messages().forEach(errors::addMessage);
      return built;
    }
    listeners.put(key, built);
    return built;
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
