package io.palisade.xds;

import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sample cluster of the L7 tests: the Star Wars demo (deathstar on node-a, both ships on
 * node-b) and Cilium's gRPC example (the door manager on node-a, a public terminal on node-b).
 */
final class L7Samples {

  /** The Star Wars demo's L7 policy, as in config/samples/l7. */
  static final String DEATHSTAR_L7 =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: rule1, namespace: default}
      spec:
        endpointSelector: {matchLabels: {org: empire, class: deathstar}}
        ingress:
          - fromEndpoints: [{matchLabels: {org: empire}}]
            toPorts:
              - ports: [{port: "80", protocol: TCP}]
                rules:
                  http: [{method: POST, path: /v1/request-landing}]
      """;

  /** Cilium's examples/kubernetes-grpc/cc-door-ingress-security.yaml. */
  static final String CC_DOOR =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: cc-door, namespace: default}
      spec:
        endpointSelector: {matchLabels: {app: cc-door-mgr}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: public-terminal}}]
            toPorts:
              - ports: [{port: "50051", protocol: TCP}]
                rules:
                  http:
                    - {method: POST, path: /cloudcity.DoorManager/GetName}
                    - {method: POST, path: /cloudcity.DoorManager/GetLocation}
                    - {method: POST, path: /cloudcity.DoorManager/RequestMaintenance}
      """;

  /** Header rules: the xwing may read the exhaust port's plans with the right headers. */
  static final String HEADERS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: plans, namespace: default}
      spec:
        endpointSelector: {matchLabels: {class: deathstar}}
        ingress:
          - fromEndpoints: [{matchLabels: {class: xwing}}]
            toPorts:
              - ports: [{port: "8080", protocol: TCP}]
                rules:
                  http:
                    - method: GET
                      path: /v1/plans/.*
                      host: deathstar\\.default\\.svc(:8080)?
                      headers: ["X-Rebel-Token: red-5", "X-Squadron"]
                      headerMatches: [{name: X-Api-Version, value: "2"}]
      """;

  /** Egress: the tiefighter may only ask the deathstar for its status. */
  static final String EGRESS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: tiefighter-egress, namespace: default}
      spec:
        endpointSelector: {matchLabels: {class: tiefighter}}
        egress:
          - toEndpoints: [{matchLabels: {class: deathstar}}]
            toPorts:
              - ports: [{port: "80", protocol: TCP}]
                rules:
                  http: [{method: GET, path: /v1/status}]
      """;

  private L7Samples() {}

  static List<Workload> workloads() {
    List<Workload> w = new ArrayList<>(StarWars.workloads());
    w.add(StarWars.workload("cc-door-mgr", "node-a", "10.42.0.20", Map.of("app", "cc-door-mgr")));
    w.add(
        StarWars.workload(
            "public-terminal", "node-b", "10.42.0.21", Map.of("app", "public-terminal")));
    return w;
  }

  static DesiredState state(String... policies) {
    ClusterSnapshot snapshot =
        new ClusterSnapshot(
            List.of(new Namespace("default", Map.of())), workloads(), StarWars.rules(policies));
    return new NodeStateComputer(new InMemoryIdentityAllocator()).compute(snapshot);
  }

  static DesiredState all() {
    return state(DEATHSTAR_L7, CC_DOOR, HEADERS, EGRESS);
  }
}
