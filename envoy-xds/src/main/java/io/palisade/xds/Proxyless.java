package io.palisade.xds;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Proxyless gRPC: a pod whose grpc-java server runs with xDS credentials enforces its own ingress
 * rules, from a Listener per port it serves (node id = the pod's {@code namespace/name}). This
 * class says what such a server can enforce, builds its config, and gives the datapath's view of a
 * node where such pods take their ingress L7 rules themselves: their HTTP redirects become plain
 * allows, so the flow reaches the pod, which serves nothing until it holds a valid Listener.
 */
public final class Proxyless {

  /** grpc-java's default server listener name template, with the address it fills in. */
  public static final String LISTENER_PREFIX =
      "grpc/server?xds.resource.listening_address=0.0.0.0:";

  private Proxyless() {}

  /** The listener a pod's server on {@code port} asks for. */
  public static String listenerName(int port) {
    return LISTENER_PREFIX + port;
  }

  /** The port of a listener name a server asked for; empty for any other name. */
  public static Optional<Integer> port(String listenerName) {
    if (!listenerName.startsWith(LISTENER_PREFIX)) {
      return Optional.empty();
    }
    try {
      int p = Integer.parseInt(listenerName.substring(LISTENER_PREFIX.length()));
      return p >= 1 && p <= 0xFFFF ? Optional.of(p) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The ingress HTTP grants of {@code e}: the ones its own server would enforce. */
  static List<L7Grant> ingressHttp(EndpointL7 e) {
    return e.grants().stream()
        .filter(g -> g.direction() == Direction.INGRESS && g.parser() == L7Parser.HTTP)
        .toList();
  }

  /**
   * Every reason {@code e}'s ingress rules cannot be enforced by a grpc-java server, each at its
   * place; empty when they all can. A gRPC call is always a POST to {@code /pkg.Service/Method} on
   * one port; grpc-xds takes no host rule, and header rules are not taken over either.
   */
  public static List<String> problems(EndpointL7 e) {
    List<String> out = new ArrayList<>();
    for (L7Grant g : ingressHttp(e)) {
      String where =
          "ingress of "
              + e.id()
              + " port "
              + (g.firstPort() == g.lastPort()
                  ? Integer.toString(g.firstPort())
                  : g.firstPort() + "-" + g.lastPort())
              + " rule "
              + HttpRbac.describe(g.rule());
      if (g.firstPort() != g.lastPort()) {
        out.add(where + ": a port range; a gRPC server listens on single ports");
      }
      if (!(g.rule() instanceof PortRuleHTTP http)) {
        out.add(where + ": is not an HTTP rule");
        continue;
      }
      if (http.method() != null && !matchesPost(http.method())) {
        out.add(
            where
                + ".method: \""
                + http.method()
                + "\" never matches a gRPC call (always POST): a proxyless gRPC pod takes gRPC"
                + " rules only");
      }
      if (http.host() != null) {
        out.add(where + ".host: not enforced by a proxyless gRPC server");
      }
      if (http.headers() != null && !http.headers().isEmpty()) {
        out.add(where + ".headers: not enforced by a proxyless gRPC server");
      }
      if (http.headerMatches() != null && !http.headerMatches().isEmpty()) {
        out.add(where + ".headerMatches: not enforced by a proxyless gRPC server");
      }
    }
    return out;
  }

  private static boolean matchesPost(String methodRegex) {
    try {
      return Pattern.compile(methodRegex).matches("POST");
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /** Whether {@code e} declared proxyless gRPC and its server can enforce all its ingress rules. */
  public static boolean enforcedByPod(EndpointL7 e) {
    return e.proxylessGrpc() && problems(e).isEmpty();
  }

  /**
   * The config of {@code e}'s server: one Listener per port that has ingress rules or that the
   * server asked for ({@code requestedPorts}), each with one filter chain on the pod's addresses
   * and routes (over RDS) whose RBAC holds the port's rules. A port without rules admits every call
   * of every peer: there the datapath's L3/L4 verdict is the whole policy.
   */
  public static NodeResources translate(
      EndpointL7 e, Set<Integer> requestedPorts, Map<String, Long> ipcache) {
    return translate(e, requestedPorts, new Translation(ipcache));
  }

  /** As {@link #translate(EndpointL7, Set, Map)}, sharing {@code translation} with other nodes. */
  static NodeResources translate(
      EndpointL7 e, Set<Integer> requestedPorts, Translation translation) {
    Map<Integer, List<L7Grant>> byPort = new LinkedHashMap<>();
    new TreeSet<>(requestedPorts).forEach(p -> byPort.put(p, new ArrayList<>()));
    for (L7Grant g : ingressHttp(e)) {
      byPort.computeIfAbsent(g.firstPort(), p -> new ArrayList<>()).add(g);
    }
    List<Listener> listeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Map.Entry<Integer, List<L7Grant>> port : byPort.entrySet()) {
      int p = port.getKey();
      List<L7Grant> grants =
          port.getValue().isEmpty()
              ? List.of(
                  new L7Grant(
                      Direction.INGRESS,
                      L7Parser.HTTP,
                      p,
                      p,
                      new PortRuleHTTP(null, null, null, null, null),
                      Set.of(MapStateKey.ANY_IDENTITY)))
              : port.getValue();
      EndpointL7 one = new EndpointL7(e.id(), e.addresses(), e.identity(), grants, true);
      try {
        NodeResources r =
            L7Translator.translate(
                new NodeL7(List.of(one)),
                translation,
                new Target.ProxylessGrpc(listenerName(p), p));
        listeners.addAll(r.listeners());
        routes.addAll(r.routes());
      } catch (L7TranslationException ex) {
        errors.addAll(ex.errors());
      }
    }
    if (!errors.isEmpty()) {
      throw new L7TranslationException(errors);
    }
    listeners.sort(Comparator.comparing(Listener::getName));
    routes.sort(Comparator.comparing(RouteConfiguration::getName));
    return new NodeResources(List.of(), listeners, routes);
  }

  /**
   * The proxyless endpoints of {@code state}, with their L7 grants (none for an endpoint without L7
   * rules: its server still needs a Listener to serve at all).
   */
  public static Map<String, EndpointL7> endpoints(LocalState state, NodeL7 l7) {
    Map<String, EndpointL7> withRules = new HashMap<>();
    l7.endpoints().forEach(e -> withRules.put(e.id(), e));
    Map<String, EndpointL7> out = new LinkedHashMap<>();
    state.endpoints().values().stream()
        .filter(EndpointState::proxylessGrpc)
        .sorted(Comparator.comparing(EndpointState::id))
        .forEach(
            e ->
                out.put(
                    e.id(),
                    withRules.getOrDefault(
                        e.id(),
                        new EndpointL7(e.id(), e.addresses(), e.identity(), List.of(), true))));
    return out;
  }

  /**
   * What the datapath must hold on a node where some pods enforce their own gRPC rules: for an
   * identity all of whose local endpoints are such pods, its ingress HTTP redirects become plain
   * allows of the same peers and ports, so the flow reaches the pod without a proxy. Any other
   * identity keeps its redirects (the node's proxy, or a drop while there is none): an identity
   * shares one policy map on the node, so one pod of it behind a proxy keeps the proxy for all.
   */
  public static LocalState datapathView(LocalState state) {
    NodeL7 l7 = NodeL7.of(state);
    Map<Long, Boolean> byPod = new HashMap<>();
    for (EndpointState e : state.endpoints().values()) {
      byPod.merge(e.identity(), e.proxylessGrpc(), Boolean::logicalAnd);
    }
    for (EndpointL7 e : l7.endpoints()) {
      if (!enforcedByPod(e)) {
        byPod.put(e.identity(), false);
      }
    }
    Map<Long, IdentityPolicy> policies = new HashMap<>(state.policies());
    boolean changed = false;
    for (Map.Entry<Long, Boolean> id : byPod.entrySet()) {
      IdentityPolicy policy = policies.get(id.getKey());
      if (!id.getValue() || policy == null) {
        continue;
      }
      Map<MapStateKey, MapStateEntry> entries = new HashMap<>(policy.entries());
      boolean any = false;
      for (Map.Entry<MapStateKey, MapStateEntry> en : policy.entries().entrySet()) {
        MapStateKey k = en.getKey();
        MapStateEntry v = en.getValue();
        if (v.verdict() == Verdict.REDIRECT
            && k.direction() == Direction.INGRESS
            && k.protocol() == Protocol.TCP.number()
            && v.l7().orElseThrow().parser() == L7Parser.HTTP) {
          entries.put(k, MapStateEntry.ALLOW);
          any = true;
        }
      }
      if (any) {
        policies.put(
            id.getKey(),
            new IdentityPolicy(policy.identity(), policy.enforced(), entries, policy.audit()));
        changed = true;
      }
    }
    return changed
        ? new LocalState(
            state.endpoints(), policies, state.ipcache(), state.services(), state.fqdnSelectors())
        : state;
  }

  /** {@link #datapathView(LocalState)} of every node state in {@code changes}. */
  public static NodeChanges datapathView(NodeChanges changes) {
    Map<String, LocalState> nodes = new HashMap<>();
    changes.nodes().forEach((node, state) -> nodes.put(node, datapathView(state)));
    return new NodeChanges(
        changes.complete(),
        changes.ipcacheUpserts(),
        changes.ipcacheDeletes(),
        nodes,
        changes.serviceUpserts(),
        changes.serviceDeletes());
  }
}
