package io.palisade.pipeline;

/**
 * The L7 policies the tests of the translation, the proxies and the operator share: the Star Wars
 * demo's rule1 (as config/samples/l7 has it) and a widened form of it, Cilium's gRPC door manager,
 * header rules and an egress rule. Each module places them on its own addresses.
 */
public final class L7Policies {

  /** The Star Wars demo's L7 policy, as in config/samples/l7. */
  public static final String DEATHSTAR_L7 =
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

  /** The demo's rule1 widened: the exhaust port opened too, for policy changes. */
  public static final String DEATHSTAR_OPEN =
      DEATHSTAR_L7.replace(
          "http: [{method: POST, path: /v1/request-landing}]",
          "http: [{method: POST, path: /v1/request-landing}, {method: PUT, path: /v1/exhaust-port}]");

  /** Cilium's examples/kubernetes-grpc/cc-door-ingress-security.yaml. */
  public static final String CC_DOOR =
      ccDoor(50051, "GetName", "GetLocation", "RequestMaintenance");

  /**
   * Cilium's gRPC door manager policy on {@code port}, allowing the terminal these methods of
   * {@code cloudcity.DoorManager}: the tests that change the policy change its method list.
   */
  public static String ccDoor(int port, String... methods) {
    StringBuilder rules = new StringBuilder();
    for (String m : methods) {
      rules.append(
          "              - {method: POST, path: /cloudcity.DoorManager/%s}\n".formatted(m));
    }
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: cc-door, namespace: default}
        spec:
          endpointSelector: {matchLabels: {app: cc-door-mgr}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: public-terminal}}]
              toPorts:
                - ports: [{port: "%d", protocol: TCP}]
                  rules:
                    http:
        %s"""
        .formatted(port, rules);
  }

  /** Header rules: the xwing may read the exhaust port's plans with the right headers. */
  public static final String HEADERS =
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
  public static final String EGRESS =
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

  private L7Policies() {}
}
