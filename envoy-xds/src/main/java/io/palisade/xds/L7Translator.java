package io.palisade.xds;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.BindConfig;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.ExtraSourceAddress;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.SocketOption;
import io.envoyproxy.envoy.config.listener.v3.AdditionalAddress;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.L7Parser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's L7 state as stock Envoy resources, without I/O. HTTP listeners on the proxy ports, one
 * filter chain per local endpoint (matched on its addresses: the destination on ingress, the source
 * on egress) whose routes come over RDS, so that a policy change replaces routes and never drains a
 * listener; the routes carry the endpoint's RBAC; an original-destination cluster forwards what it
 * admits. gRPC needs nothing of its own: its calls are HTTP/2 POSTs to {@code /pkg.Service/Method}.
 * Kafka and DNS redirects are for the node daemon's proxies, not Envoy, and are left out.
 */
public final class L7Translator {

  public static final String ORIGINAL_DST_CLUSTER = "palisade/original-dst";
  static final String RBAC_FILTER = "envoy.filters.http.rbac";

  private L7Translator() {}

  /**
   * The resources of {@code node} for {@code target}, with peers resolved through {@code ipcache}
   * (prefix to identity). Throws {@link L7TranslationException} listing everything that cannot be
   * expressed exactly; nothing is returned in part.
   */
  public static NodeResources translate(NodeL7 node, Map<String, Long> ipcache, Target target) {
    return translate(node, new Translation(ipcache), target);
  }

  /** As {@link #translate(NodeL7, Map, Target)}, sharing {@code translation} with other nodes. */
  static NodeResources translate(NodeL7 node, Translation translation, Target target) {
    Errors errors = new Errors();
    List<RouteConfiguration> routes = new ArrayList<>();
    List<ListenerKey.Chain> chains = new ArrayList<>();
    for (Direction d : Direction.values()) {
      if (target instanceof Target.ProxylessGrpc && d == Direction.EGRESS) {
        continue; // A gRPC server sees only the calls that reach it.
      }
      for (EndpointL7 e : node.endpoints()) {
        List<L7Grant> grants =
            e.grants().stream()
                .filter(g -> g.direction() == d && g.parser() == L7Parser.HTTP)
                .toList();
        if (grants.isEmpty()) {
          continue;
        }
        String name = routeName(d, e.id(), target);
        String where = d.lowerName() + " of " + e.id();
        routes.add(
            translation.routes(
                name,
                d,
                grants,
                target,
                errors,
                own ->
                    routes(
                        name, HttpRbac.rbac(where, d, grants, translation.peers(), own), target)));
        chains.add(new ListenerKey.Chain(d, e.id(), e.addresses()));
      }
    }
    List<Listener> listeners =
        translation.listeners(
            new ListenerKey(target, chains), errors, own -> listeners(chains, target, own));
    errors.throwIfAny();
    return new NodeResources(
        target instanceof Target.Envoy && !listeners.isEmpty() ? ORIGINAL_DST_ONLY : List.of(),
        listeners,
        routes.stream()
            .sorted(java.util.Comparator.comparing(RouteConfiguration::getName))
            .toList());
  }

  /**
   * The listeners of {@code chains} (in direction order), one per direction with chains; an address
   * two endpoints share in one direction is an error, since a filter chain could not tell them
   * apart.
   */
  private static List<Listener> listeners(
      List<ListenerKey.Chain> chains, Target target, Errors errors) {
    List<Listener> out = new ArrayList<>();
    Map<String, String> addressOwner = new HashMap<>();
    for (Direction d : Direction.values()) {
      List<FilterChain> filterChains = new ArrayList<>();
      boolean ipv6 = false;
      for (ListenerKey.Chain c : chains) {
        if (c.direction() != d) {
          continue;
        }
        FilterChainMatch.Builder match = FilterChainMatch.newBuilder();
        for (String address : c.addresses()) {
          CidrPrefix host = CidrPrefix.host(CidrPrefix.parseAddress(address).orElseThrow());
          String before = addressOwner.put(d + " " + host, c.endpointId());
          if (before != null) {
            errors.add(
                d.lowerName() + " of " + c.endpointId(),
                "shares the address " + address + " with " + before);
          }
          ipv6 |= !host.isIpv4();
          if (d == Direction.INGRESS) {
            match.addPrefixRanges(HttpRbac.cidr(host));
          } else {
            match.addSourcePrefixRanges(HttpRbac.cidr(host));
          }
        }
        filterChains.add(
            FilterChain.newBuilder()
                .setName(c.endpointId())
                .setFilterChainMatch(match)
                .addFilters(httpConnectionManager(d, routeName(d, c.endpointId(), target)))
                .build());
      }
      if (!filterChains.isEmpty()) {
        out.add(listener(d, filterChains, ipv6, target));
      }
    }
    return out;
  }

  /** The RDS name of an endpoint's routes for {@code target}: a gRPC server's name its port. */
  private static String routeName(Direction d, String endpointId, Target target) {
    return target instanceof Target.ProxylessGrpc g
        ? routeName(d, endpointId) + "/" + g.port()
        : routeName(d, endpointId);
  }

  /** The RDS name of an endpoint's routes in one direction. */
  public static String routeName(Direction d, String endpointId) {
    return "palisade/http/" + d.lowerName() + "/" + endpointId;
  }

  /** The name of the HTTP listener of one direction, for Envoy. */
  public static String listenerName(Direction d) {
    return "palisade/http/" + d.lowerName();
  }

  private static Listener listener(
      Direction d, List<FilterChain> chains, boolean ipv6, Target target) {
    return switch (target) {
      case Target.Envoy envoy -> {
        int port = L7Parser.HTTP.proxyPort(d);
        Listener.Builder b =
            Listener.newBuilder()
                .setName(listenerName(d))
                .setAddress(address("0.0.0.0", port))
                .setTransparent(BoolValue.of(true))
                .addListenerFilters(
                    ListenerFilter.newBuilder()
                        .setName("envoy.filters.listener.original_dst")
                        .setTypedConfig(Any.pack(OriginalDst.getDefaultInstance())))
                .addAllFilterChains(chains);
        if (ipv6) {
          b.addAdditionalAddresses(AdditionalAddress.newBuilder().setAddress(address("::", port)));
        }
        yield b.build();
      }
      case Target.ProxylessGrpc grpc ->
          Listener.newBuilder()
              .setName(grpc.listenerName())
              .setAddress(address("0.0.0.0", grpc.port()))
              .addAllFilterChains(chains)
              .build();
    };
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port))
        .build();
  }

  /**
   * Routes from RDS over the ADS stream; the listener's own RBAC admits nothing, so a request the
   * route's RBAC does not take over is refused, never passed.
   */
  private static Filter httpConnectionManager(Direction d, String routeName) {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("palisade_http_" + d.lowerName())
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(
                Rds.newBuilder()
                    .setRouteConfigName(routeName)
                    .setConfigSource(
                        ConfigSource.newBuilder()
                            .setAds(AggregatedConfigSource.getDefaultInstance())
                            .setResourceApiVersion(ApiVersion.V3)))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName(RBAC_FILTER)
                    .setTypedConfig(
                        Any.pack(
                            io.envoyproxy
                                .envoy
                                .extensions
                                .filters
                                .http
                                .rbac
                                .v3
                                .RBAC
                                .newBuilder()
                                .setRules(RBAC.newBuilder().setAction(RBAC.Action.ALLOW))
                                .build())))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.router")
                    .setTypedConfig(Any.pack(Router.getDefaultInstance())))
            .build();
    return Filter.newBuilder()
        .setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(Any.pack(hcm))
        .build();
  }

  private static RouteConfiguration routes(String name, RBAC rbac, Target target) {
    Route.Builder route =
        Route.newBuilder()
            .setName("all")
            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
            .putTypedPerFilterConfig(
                RBAC_FILTER,
                Any.pack(
                    RBACPerRoute.newBuilder()
                        .setRbac(
                            io.envoyproxy
                                .envoy
                                .extensions
                                .filters
                                .http
                                .rbac
                                .v3
                                .RBAC
                                .newBuilder()
                                .setRules(rbac))
                        .build()));
    switch (target) {
      // No route timeout: a long gRPC stream or download is the application's business.
      case Target.Envoy envoy ->
          route.setRoute(
              RouteAction.newBuilder()
                  .setCluster(ORIGINAL_DST_CLUSTER)
                  .setTimeout(Duration.getDefaultInstance()));
      case Target.ProxylessGrpc grpc ->
          route.setNonForwardingAction(NonForwardingAction.getDefaultInstance());
    }
    return RouteConfiguration.newBuilder()
        .setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*").addRoutes(route))
        .build();
  }

  /**
   * Forwards to the address the client asked for, in the protocol it spoke (HTTP/2 stays HTTP/2, as
   * gRPC needs), from a socket marked as the proxy's.
   */
  private static final Cluster ORIGINAL_DESTINATION = originalDestination();

  /** Every Envoy node's clusters: one list, so comparing two configs' clusters is a reference. */
  private static final List<Cluster> ORIGINAL_DST_ONLY = List.of(ORIGINAL_DESTINATION);

  private static Cluster originalDestination() {
    SocketOption mark =
        SocketOption.newBuilder()
            .setDescription("SO_MARK: already proxied, not to be redirected again")
            .setLevel(ProxyMark.SOL_SOCKET)
            .setName(ProxyMark.SO_MARK)
            .setIntValue(ProxyMark.FROM_PROXY)
            .setState(SocketOption.SocketState.STATE_PREBIND)
            .build();
    HttpProtocolOptions protocols =
        HttpProtocolOptions.newBuilder()
            .setUseDownstreamProtocolConfig(
                HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
                    .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
                    .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
            .build();
    return Cluster.newBuilder()
        .setName(ORIGINAL_DST_CLUSTER)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setConnectTimeout(Duration.newBuilder().setSeconds(5))
        .setUpstreamBindConfig(
            BindConfig.newBuilder()
                .setSourceAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(0))
                .addExtraSourceAddresses(
                    ExtraSourceAddress.newBuilder()
                        .setAddress(SocketAddress.newBuilder().setAddress("::").setPortValue(0)))
                .addSocketOptions(mark))
        .putTypedExtensionProtocolOptions(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions", Any.pack(protocols))
        .build();
  }
}
