package io.palisade.proxy;

import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.palisade.policy.Direction;
import io.palisade.xds.L7Translator;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Envoy listener as this proxy runs it: the port, the addresses to bind, and the filter chains,
 * each with the addresses it matches and its HTTP connection manager's routes and RBAC. What the
 * proxy would not do as Envoy does (TLS, other filters, other chain match fields) refuses the
 * config.
 */
record ListenerConfig(
    String name, String direction, int port, List<String> addresses, List<Chain> chains) {

  /** A filter chain: its destination and source prefixes, its routes, and the HCM's own RBAC. */
  record Chain(
      String name,
      List<Cidr> destinations,
      List<Cidr> sources,
      RouteTable routes,
      RbacEngine listenerRbac) {}

  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String RBAC_FILTER = "envoy.filters.http.rbac";
  static final String ROUTER = "envoy.filters.http.router";

  static ListenerConfig compile(
      Listener l,
      Map<String, RouteTable> routes,
      Map<String, Boolean> originalDst,
      Problems problems) {
    String path = "listener[" + l.getName() + "]";
    if (!l.getAddress().hasSocketAddress()) {
      problems.add(path + ".address", "is not a socket address");
      return null;
    }
    int port = l.getAddress().getSocketAddress().getPortValue();
    List<String> addresses = new ArrayList<>();
    addresses.add(l.getAddress().getSocketAddress().getAddress());
    for (var a : l.getAdditionalAddressesList()) {
      addresses.add(a.getAddress().getSocketAddress().getAddress());
    }
    for (var f : l.getListenerFiltersList()) {
      if (!f.getName().equals("envoy.filters.listener.original_dst")) {
        problems.add(
            path + ".listener_filters[" + f.getName() + "]",
            "is not supported by this proxy (only original_dst, which it always does)");
      }
    }
    if (l.hasDefaultFilterChain()) {
      problems.add(path + ".default_filter_chain", "is not supported by this proxy");
    }
    List<Chain> chains = new ArrayList<>();
    for (int i = 0; i < l.getFilterChainsCount(); i++) {
      Chain c =
          chain(
              l.getFilterChains(i),
              path + ".filter_chains[" + i + "]",
              routes,
              originalDst,
              problems);
      if (c != null) {
        chains.add(c);
      }
    }
    String direction =
        l.getName().equals(L7Translator.listenerName(Direction.INGRESS))
            ? "ingress"
            : l.getName().equals(L7Translator.listenerName(Direction.EGRESS))
                ? "egress"
                : l.getName();
    return new ListenerConfig(l.getName(), direction, port, addresses, chains);
  }

  private static Chain chain(
      FilterChain fc,
      String path,
      Map<String, RouteTable> routes,
      Map<String, Boolean> originalDst,
      Problems problems) {
    FilterChainMatch m = fc.getFilterChainMatch();
    String mp = path + ".filter_chain_match";
    if (m.hasDestinationPort()
        || m.getServerNamesCount() > 0
        || !m.getTransportProtocol().isEmpty()
        || m.getApplicationProtocolsCount() > 0
        || m.getDirectSourcePrefixRangesCount() > 0
        || m.getSourceType() != FilterChainMatch.ConnectionSourceType.ANY
        || m.getSourcePortsCount() > 0) {
      problems.add(
          mp,
          "matches on more than prefix_ranges and source_prefix_ranges, which this proxy does not");
    }
    if (fc.hasTransportSocket()) {
      problems.add(path + ".transport_socket", "TLS is not supported by this proxy");
    }
    List<Cidr> dst = new ArrayList<>();
    for (int i = 0; i < m.getPrefixRangesCount(); i++) {
      dst.add(Cidr.of(m.getPrefixRanges(i), mp + ".prefix_ranges[" + i + "]", problems));
    }
    List<Cidr> src = new ArrayList<>();
    for (int i = 0; i < m.getSourcePrefixRangesCount(); i++) {
      src.add(
          Cidr.of(m.getSourcePrefixRanges(i), mp + ".source_prefix_ranges[" + i + "]", problems));
    }
    if (fc.getFiltersCount() != 1 || !fc.getFilters(0).getName().equals(HCM)) {
      problems.add(path + ".filters", "must be exactly one " + HCM);
      return null;
    }
    HttpConnectionManager hcm;
    try {
      hcm = fc.getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      problems.add(path + ".filters[0].typed_config", "is not an HttpConnectionManager");
      return null;
    }
    String hp = path + ".filters[0]";
    RbacEngine listenerRbac = httpFilters(hcm, hp, problems);
    RouteTable table;
    switch (hcm.getRouteSpecifierCase()) {
      case RDS -> {
        table = routes.get(hcm.getRds().getRouteConfigName());
        if (table == null) {
          problems.add(
              hp + ".rds.route_config_name",
              "\""
                  + hcm.getRds().getRouteConfigName()
                  + "\" is not among the route configurations");
          return null;
        }
      }
      case ROUTE_CONFIG ->
          table = RouteTable.compile(hcm.getRouteConfig(), hp + ".route_config", problems);
      default -> {
        problems.add(hp, "has no routes (rds or route_config)");
        return null;
      }
    }
    for (String cluster : table.clusters()) {
      if (!Boolean.TRUE.equals(originalDst.get(cluster))) {
        problems.add(
            hp,
            "routes to cluster \""
                + cluster
                + "\", which is not an ORIGINAL_DST cluster of the config");
      }
    }
    if (dst.contains(null) || src.contains(null) || listenerRbac == null) {
      return null;
    }
    return new Chain(fc.getName(), List.copyOf(dst), List.copyOf(src), table, listenerRbac);
  }

  /** The HCM's filters must be the RBAC filter and the router, last; returns the HCM's own RBAC. */
  private static RbacEngine httpFilters(HttpConnectionManager hcm, String path, Problems problems) {
    if (hcm.getCodecType() == HttpConnectionManager.CodecType.HTTP3) {
      problems.add(path + ".codec_type", "HTTP/3 is not supported by this proxy");
    }
    RbacEngine rbac = null;
    int n = hcm.getHttpFiltersCount();
    for (int i = 0; i < n; i++) {
      var f = hcm.getHttpFilters(i);
      String fp = path + ".http_filters[" + i + "]";
      try {
        if (f.getName().equals(RBAC_FILTER) && i < n - 1) {
          RBAC r = f.getTypedConfig().unpack(RBAC.class);
          if (r.hasShadowRules() || r.hasMatcher() || r.hasShadowMatcher()) {
            problems.add(fp, "matcher and shadow rules are not supported by this proxy");
          }
          // No rules at all: Envoy's RBAC filter lets every request through; an empty ALLOW is the
          // translator's "nothing unless a route says so".
          rbac =
              r.hasRules()
                  ? RbacEngine.compile(r.getRules(), fp + ".rules", problems)
                  : allowAll(problems, fp);
        } else if (f.getName().equals(ROUTER) && i == n - 1) {
          f.getTypedConfig().unpack(Router.class);
        } else {
          problems.add(
              fp,
              "\""
                  + f.getName()
                  + "\" is not supported here (only "
                  + RBAC_FILTER
                  + ", then "
                  + ROUTER
                  + " last)");
        }
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        problems.add(fp + ".typed_config", "does not unpack: " + e.getMessage());
      }
    }
    if (rbac == null) {
      problems.add(
          path + ".http_filters",
          "has no " + RBAC_FILTER + ": this proxy only forwards what an RBAC admits");
    }
    return rbac;
  }

  private static RbacEngine allowAll(Problems problems, String path) {
    problems.add(
        path, "an RBAC filter without rules admits every request, which this proxy refuses");
    return null;
  }

  /**
   * The chain Envoy would pick: the most specific destination prefix first, then among those the
   * most specific source prefix; a chain without prefixes of a kind matches any address with the
   * lowest precedence.
   */
  Optional<Chain> chain(InetAddress source, InetAddress destination) {
    int bestDst = -2;
    List<Chain> candidates = new ArrayList<>();
    for (Chain c : chains) {
      int d = longest(c.destinations(), destination);
      if (d > bestDst) {
        bestDst = d;
        candidates.clear();
      }
      if (d == bestDst && d >= -1) {
        candidates.add(c);
      }
    }
    Chain best = null;
    int bestSrc = -2;
    for (Chain c : candidates) {
      int s = longest(c.sources(), source);
      if (s > bestSrc && s >= -1) {
        bestSrc = s;
        best = c;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The longest prefix holding {@code a}; -1 for no prefixes (any); -2 for no match. */
  private static int longest(List<Cidr> prefixes, InetAddress a) {
    if (prefixes.isEmpty()) {
      return -1;
    }
    int best = -2;
    for (Cidr c : prefixes) {
      if (c.length() > best && c.contains(a)) {
        best = c.length();
      }
    }
    return best;
  }
}
