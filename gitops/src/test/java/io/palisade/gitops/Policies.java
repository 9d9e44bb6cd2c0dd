package io.palisade.gitops;

/** Policy manifests for the tests: valid ones, a clusterwide one, and a malformed one. */
public final class Policies {

  private Policies() {}

  public static String cnp(String namespace, String name, int port) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: %s
          namespace: %s
        spec:
          endpointSelector:
            matchLabels:
              app: %s
          ingress:
            - fromEndpoints:
                - matchLabels:
                    role: client
              toPorts:
                - ports:
                    - port: "%d"
                      protocol: TCP
        """
        .formatted(name, namespace, name, port);
  }

  public static String ccnp(String name) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata:
          name: %s
        spec:
          endpointSelector: {}
          ingress:
            - fromEntities:
                - cluster
        """
        .formatted(name);
  }

  /** Valid YAML, invalid policy: a bad CIDR and a bad port, two errors in one document. */
  public static String invalidCnp(String namespace, String name) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: %s
          namespace: %s
        spec:
          endpointSelector:
            matchLabels:
              app: broken
          egress:
            - toCIDR:
                - 10.0.0.0/33
          ingress:
            - fromEndpoints:
                - matchLabels:
                    role: client
              toPorts:
                - ports:
                    - port: "70000"
                      protocol: TCP
        """
        .formatted(name, namespace);
  }

  public static final String NOT_YAML = "apiVersion: cilium.io/v2\nkind: [unclosed\n  - : :\n";
}
