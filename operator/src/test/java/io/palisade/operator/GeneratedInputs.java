package io.palisade.operator;

import java.util.List;
import java.util.Random;

/**
 * A small random cluster and random policies of every kind Palisade enforces, as YAML: what a user
 * would write, so that both ways of reading them (files, and the API) are exercised as they are.
 */
record GeneratedInputs(String cluster, String policies, int pods) {

  private static final List<String> APPS = List.of("web", "db", "cache", "batch");
  private static final List<String> TEAMS = List.of("red", "blue");

  static GeneratedInputs of(Random random, String node) {
    StringBuilder cluster = new StringBuilder();
    for (int n = 0; n < 3; n++) {
      cluster.append(
          """
          apiVersion: v1
          kind: Namespace
          metadata:
            name: ns-%d
            labels: {team: %s}
          ---
          """
              .formatted(n, pick(random, TEAMS)));
    }
    int pods = 8 + random.nextInt(8);
    for (int p = 0; p < pods; p++) {
      cluster.append(
          """
          apiVersion: v1
          kind: Pod
          metadata:
            name: pod-%d
            namespace: ns-%d
            labels: {app: %s, tier: %s}
          spec:
            nodeName: %s
            containers:
              - name: main
                image: registry.invalid/app
                ports:
                  - {name: http, containerPort: %d, protocol: TCP}
                  - {name: dns, containerPort: 53, protocol: UDP}
          status:
            podIP: 10.1.%d.%d
          ---
          """
              .formatted(
                  p,
                  random.nextInt(3),
                  pick(random, APPS),
                  random.nextBoolean() ? "front" : "back",
                  node,
                  8000 + random.nextInt(3),
                  p / 200,
                  10 + p % 200));
    }
    StringBuilder policies = new StringBuilder();
    policies.append(
        """
        apiVersion: cilium.io/v2
        kind: CiliumCIDRGroup
        metadata:
          name: partners
          labels: {kind: partner}
        spec:
          externalCIDRs: ["203.0.113.0/24", "198.51.100.0/25"]
        """);
    int count = 4 + random.nextInt(6);
    for (int i = 0; i < count; i++) {
      policies.append("---\n").append(policy(random, i));
    }
    return new GeneratedInputs(cluster.toString(), policies.toString(), pods);
  }

  private static String policy(Random random, int i) {
    String app = pick(random, APPS);
    String peer = pick(random, APPS);
    int port = pick(random, List.of(80, 443, 8000, 8001));
    return switch (random.nextInt(6)) {
      case 0 ->
          """
          apiVersion: cilium.io/v2
          kind: CiliumNetworkPolicy
          metadata: {name: cnp-%d, namespace: ns-%d}
          spec:
            endpointSelector: {matchLabels: {app: %s}}
            ingress:
              - fromEndpoints: [{matchLabels: {app: %s}}]
                toPorts: [{ports: [{port: "%d", protocol: TCP}]}]
          """
              .formatted(i, random.nextInt(3), app, peer, port);
      case 1 ->
          """
          apiVersion: cilium.io/v2
          kind: CiliumNetworkPolicy
          metadata: {name: cnp-%d, namespace: ns-%d}
          spec:
            endpointSelector: {matchLabels: {tier: front}}
            egress:
              - toCIDRSet:
                  - {cidr: 192.168.0.0/16, except: [192.168.%d.0/24]}
                  - cidrGroupRef: partners
              - toEndpoints: [{matchLabels: {app: %s}}]
                toPorts: [{ports: [{port: http, protocol: TCP}]}]
            ingressDeny:
              - fromEndpoints: [{matchLabels: {app: %s}}]
          """
              .formatted(i, random.nextInt(3), random.nextInt(4), peer, app);
      case 2 ->
          """
          apiVersion: cilium.io/v2
          kind: CiliumClusterwideNetworkPolicy
          metadata: {name: ccnp-%d}
          spec:
            endpointSelector:
              matchLabels: {"k8s:io.cilium.k8s.namespace.labels.team": %s}
            ingress:
              - fromEndpoints:
                  - matchExpressions: [{key: app, operator: In, values: [%s, %s]}]
                toPorts: [{ports: [{port: "%d", endPort: %d, protocol: TCP}]}]
          """
              .formatted(i, pick(random, TEAMS), app, peer, port, port + 10);
      case 3 ->
          """
          apiVersion: networking.k8s.io/v1
          kind: NetworkPolicy
          metadata: {name: np-%d, namespace: ns-%d}
          spec:
            podSelector: {matchLabels: {app: %s}}
            policyTypes: [Ingress, Egress]
            ingress:
              - from:
                  - podSelector: {matchLabels: {app: %s}}
                    namespaceSelector: {matchLabels: {team: %s}}
                ports: [{port: %d, protocol: TCP}]
            egress:
              - ports: [{port: dns, protocol: UDP}]
          """
              .formatted(i, random.nextInt(3), app, peer, pick(random, TEAMS), port);
      case 4 ->
          """
          apiVersion: cilium.io/v2
          kind: CiliumNetworkPolicy
          metadata: {name: cnp-%d, namespace: ns-%d}
          spec:
            endpointSelector: {matchLabels: {app: %s}}
            egress:
              - toEntities: [world]
                toPorts: [{ports: [{port: "443", protocol: TCP}]}]
              - toCIDRSet:
                  - cidrGroupSelector: {matchLabels: {kind: partner}}
            egressDeny:
              - toCIDR: [203.0.113.7/32]
          """
              .formatted(i, random.nextInt(3), app);
      default ->
          """
          apiVersion: cilium.io/v2
          kind: CiliumNetworkPolicy
          metadata: {name: cnp-%d, namespace: ns-%d}
          spec:
            endpointSelector: {matchLabels: {app: %s}}
            ingress:
              - fromEndpoints: [{}]
                icmps: [{fields: [{type: 8, family: IPv4}]}]
          """
              .formatted(i, random.nextInt(3), app);
    };
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
