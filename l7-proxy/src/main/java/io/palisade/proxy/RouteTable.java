package io.palisade.proxy;

import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A route configuration as this proxy runs it: one virtual host for every authority ({@code *}),
 * routes matched by path prefix or exact path in order, each forwarding to an original-destination
 * cluster under its own RBAC ({@code RBACPerRoute}) or, without one, the connection manager's.
 */
record RouteTable(String name, List<CompiledRoute> routes, Set<String> clusters) {

  record CompiledRoute(String name, Predicate<String> path, Optional<RbacEngine> rbac) {}

  static RouteTable compile(RouteConfiguration rc, String path, Problems problems) {
    List<CompiledRoute> out = new ArrayList<>();
    Set<String> clusters = new LinkedHashSet<>();
    if (rc.getVirtualHostsCount() != 1
        || !rc.getVirtualHosts(0).getDomainsList().equals(List.of("*"))) {
      problems.add(
          path + ".virtual_hosts", "must be exactly one virtual host for the domain \"*\" here");
      return new RouteTable(rc.getName(), List.of(), Set.of());
    }
    var vh = rc.getVirtualHosts(0);
    if (vh.containsTypedPerFilterConfig(ListenerConfig.RBAC_FILTER)) {
      problems.add(path + ".virtual_hosts[0].typed_per_filter_config", "is not supported here");
    }
    for (int i = 0; i < vh.getRoutesCount(); i++) {
      Route r = vh.getRoutes(i);
      String rp = path + ".virtual_hosts[0].routes[" + i + "]";
      Predicate<String> match = match(r.getMatch(), rp + ".match", problems);
      if (!r.hasRoute() || !r.getRoute().hasCluster()) {
        problems.add(
            rp, "must route to a cluster (this proxy forwards to the original destination)");
      } else {
        clusters.add(r.getRoute().getCluster());
      }
      Optional<RbacEngine> rbac = Optional.empty();
      for (String filter : r.getTypedPerFilterConfigMap().keySet()) {
        if (!filter.equals(ListenerConfig.RBAC_FILTER)) {
          problems.add(rp + ".typed_per_filter_config[" + filter + "]", "is not supported here");
        }
      }
      if (r.containsTypedPerFilterConfig(ListenerConfig.RBAC_FILTER)) {
        String fp = rp + ".typed_per_filter_config[" + ListenerConfig.RBAC_FILTER + "]";
        try {
          RBACPerRoute per =
              r.getTypedPerFilterConfigOrThrow(ListenerConfig.RBAC_FILTER)
                  .unpack(RBACPerRoute.class);
          if (!per.hasRbac() || !per.getRbac().hasRules()) {
            // Envoy reads a per-route RBAC without rules as "RBAC off on this route".
            problems.add(
                fp, "an RBACPerRoute without rules turns RBAC off, which this proxy refuses");
          } else {
            rbac =
                Optional.of(
                    RbacEngine.compile(per.getRbac().getRules(), fp + ".rbac.rules", problems));
          }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          problems.add(fp, "is not an RBACPerRoute");
        }
      }
      out.add(new CompiledRoute(r.getName(), match, rbac));
    }
    return new RouteTable(rc.getName(), List.copyOf(out), Set.copyOf(clusters));
  }

  /** Envoy matches routes on the path without its query string. */
  private static Predicate<String> match(RouteMatch m, String path, Problems problems) {
    if (m.getHeadersCount() > 0
        || m.getQueryParametersCount() > 0
        || m.hasGrpc()
        || m.hasRuntimeFraction()
        || m.hasTlsContext()
        || m.getDynamicMetadataCount() > 0
        || (m.hasCaseSensitive() && !m.getCaseSensitive().getValue())) {
      problems.add(path, "matches on more than the path, which this proxy does not");
    }
    return switch (m.getPathSpecifierCase()) {
      case PREFIX -> {
        String prefix = m.getPrefix();
        yield p -> withoutQuery(p).startsWith(prefix);
      }
      case PATH -> {
        String exact = m.getPath();
        yield p -> withoutQuery(p).equals(exact);
      }
      default -> {
        problems.add(
            path, m.getPathSpecifierCase() + " is not supported here (prefix and path are)");
        yield p -> false;
      }
    };
  }

  private static String withoutQuery(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  /** The first route taking {@code path}, then its RBAC (or the connection manager's). */
  ProxyConfig.Outcome decide(String path, RequestFacts request, RbacEngine listenerRbac) {
    for (CompiledRoute r : routes) {
      if (r.path().test(path)) {
        RbacEngine.Decision d = r.rbac().orElse(listenerRbac).decide(request);
        String policy = d.policy().orElse("");
        return d.allowed()
            ? new ProxyConfig.Outcome.Forward(policy)
            : new ProxyConfig.Outcome.Deny(policy.isEmpty() ? "no policy matched" : policy);
      }
    }
    return new ProxyConfig.Outcome.NoRoute();
  }
}
