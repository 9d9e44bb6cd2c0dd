package io.palisade.proxy;

import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.xds.L7Translator;
import io.palisade.xds.NodeResources;
import io.palisade.xds.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The L7 samples ({@link L7Policies}, with the Star Wars demo's policy read from config/samples/l7)
 * on loopback addresses, so that the proxy's filter chains match real connections on 127.0.0.0/8:
 * deathstar 127.0.0.10 and the door manager 127.0.0.20 on node-a; tiefighter .11, xwing .12 and the
 * public terminal .21 on node-b.
 */
final class ProxySamples {

  static final String DEATHSTAR = "127.0.0.10";
  static final String TIEFIGHTER = "127.0.0.11";
  static final String XWING = "127.0.0.12";
  static final String DOOR_MANAGER = "127.0.0.20";
  static final String TERMINAL = "127.0.0.21";

  private ProxySamples() {}

  /** The Star Wars demo's L7 policy, as the demo ships it. */
  static String deathstarL7() {
    try {
      return Files.readString(Path.of("../config/samples/l7/deathstar-l7.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Workload> workloads() {
    return List.of(
        StarWars.workload(
            "deathstar", "node-a", DEATHSTAR, Map.of("org", "empire", "class", "deathstar")),
        StarWars.workload(
            "tiefighter", "node-b", TIEFIGHTER, Map.of("org", "empire", "class", "tiefighter")),
        StarWars.workload("xwing", "node-b", XWING, Map.of("org", "alliance", "class", "xwing")),
        StarWars.workload("cc-door-mgr", "node-a", DOOR_MANAGER, Map.of("app", "cc-door-mgr")),
        StarWars.workload("public-terminal", "node-b", TERMINAL, Map.of("app", "public-terminal")));
  }

  /** The Envoy resources L7Translator gives {@code node} under {@code policies}. */
  static NodeResources translate(String node, String... policies) {
    ClusterSnapshot snapshot =
        new ClusterSnapshot(
            List.of(new Namespace("default", Map.of())), workloads(), StarWars.rules(policies));
    DesiredState state = new NodeStateComputer(new InMemoryIdentityAllocator()).compute(snapshot);
    return L7Translator.translate(NodeL7.of(state.node(node)), state.ipcache(), new Target.Envoy());
  }

  /** Every sample policy, for node-a (ingress) or node-b (egress). */
  static NodeResources all(String node) {
    return translate(
        node, deathstarL7(), L7Policies.CC_DOOR, L7Policies.HEADERS, L7Policies.EGRESS);
  }

  /** The RBAC of a route configuration's first route. */
  static RBAC rbac(NodeResources r, String routeName) {
    RouteConfiguration rc =
        r.routes().stream().filter(x -> x.getName().equals(routeName)).findFirst().orElseThrow();
    try {
      return rc.getVirtualHosts(0)
          .getRoutes(0)
          .getTypedPerFilterConfigOrThrow("envoy.filters.http.rbac")
          .unpack(RBACPerRoute.class)
          .getRbac()
          .getRules();
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
