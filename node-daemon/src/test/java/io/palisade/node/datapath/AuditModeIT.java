package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.PrometheusText;
import io.palisade.node.observe.DatapathMeters;
import io.palisade.node.observe.FlowEvent;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.ObserveServer;
import io.palisade.policy.flow.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Audit mode on real packets: a policy annotated {@code palisade.io/enforcement: audit} lets its
 * would-be drops through and reports each as an {@code AUDIT} flow event naming it, while an
 * enforced policy on the same node keeps dropping; one edit back to {@code enforce} drops again.
 */
class AuditModeIT extends NodeScenarios {

  private static final String AUDITED = "CiliumNetworkPolicy app/backend-from-frontend";

  private static String policies(String mode) {
    return """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: backend-from-frontend
          namespace: app
          annotations: {palisade.io/enforcement: %s}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: db-locked, namespace: data}
        spec:
          endpointSelector: {matchLabels: {app: db}}
          ingress: [{fromEndpoints: [{matchLabels: {app: nobody}}]}]
        """
        .formatted(mode);
  }

  @Test
  void aWouldBeDropPassesReportedAuditWhileAnEnforcedPolicyStillDrops() {
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    DatapathMeters.bind(registry, node.datapath());
    Map<String, String> wouldDrop = Map.of("direction", "ingress", "reason", "policy_audit");
    double before =
        PrometheusText.parse(registry.scrape()).sum("palisade_audit_packets_total", wouldDrop);

    node.enforce(policies("enforce"));
    assertThat(node.reachable(Flow.tcp(DB, BACKEND, 80))).as("enforced: dropped").isFalse();

    node.enforce(policies("audit"));
    Flow audited = Flow.tcp(DB, BACKEND, 80);
    assertThat(node.expected(audited)).isEqualTo(Outcome.ALLOWED);
    List<FlowEvent> events =
        drain(
            () -> {
              assertThat(node.reachable(audited)).as("audit mode: passes").isTrue();
              assertThat(node.reachable(Flow.tcp(FRONTEND, BACKEND, 80))).isTrue();
              assertThat(node.reachable(Flow.tcp(FRONTEND, DB, 80)))
                  .as("the enforced policy on the same node still drops")
                  .isFalse();
            },
            e -> e.isAudit() && e.source().equals(node.address(DB)));
    FlowEvent report =
        events.stream()
            .filter(e -> e.isAudit() && e.source().equals(node.address(DB)))
            .findFirst()
            .orElseThrow();
    System.out.println("audit flow event: " + report.toJson());
    assertThat(report.destination()).isEqualTo(node.address(BACKEND));
    assertThat(report.destinationPort()).isEqualTo(80);
    assertThat(report.direction()).isEqualTo("ingress");
    assertThat(report.reason()).isEqualTo("policy_audit");
    assertThat(report.policies()).containsExactly(AUDITED);
    assertThat(report.toJson())
        .contains("\"verdict\":\"audit\"", "\"policies\":[\"" + AUDITED + "\"]");
    assertThat(events)
        .as("the enforced policy's drop is a drop, not an audit report")
        .anySatisfy(
            e -> {
              assertThat(e.destination()).isEqualTo(node.address(DB));
              assertThat(e.verdict()).isEqualTo("dropped");
              assertThat(e.reason()).isEqualTo("policy_denied");
            });
    assertThat(events)
        .as("what the audit-mode policy allows is not reported")
        .noneMatch(e -> e.isAudit() && e.source().equals(node.address(FRONTEND)));
    assertMatchesEngine(node.podMatrix());
    double after =
        PrometheusText.parse(registry.scrape()).sum("palisade_audit_packets_total", wouldDrop);
    assertThat(after).as("palisade_audit_packets_total counts the report").isGreaterThan(before);

    node.enforce(policies("enforce"));
    assertThat(node.reachable(audited)).as("back to enforce: dropped again").isFalse();
    assertMatchesEngine(node.podMatrix());
  }

  @Test
  void anAuditDenyOfAnAllowedFlowPassesReportedAuditNamingTheDeny() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-open, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress: [{fromEntities: [cluster]}]
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: no-db-to-backend
          namespace: app
          annotations: {palisade.io/enforcement: audit}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingressDeny:
            - fromEndpoints: [{matchLabels: {app: db, k8s:io.kubernetes.pod.namespace: data}}]
        """);
    List<FlowEvent> events =
        drain(
            () -> {
              assertThat(node.reachable(Flow.tcp(DB, BACKEND, 8080))).isTrue();
              assertThat(node.reachable(Flow.tcp(STRANGER, BACKEND, 8080))).isTrue();
            },
            e -> e.isAudit());
    assertThat(events)
        .filteredOn(FlowEvent::isAudit)
        .singleElement()
        .satisfies(
            e -> {
              System.out.println("audit deny flow event: " + e.toJson());
              assertThat(e.source()).isEqualTo(node.address(DB));
              assertThat(e.reason()).isEqualTo("policy_audit_deny");
              assertThat(e.policies()).containsExactly("CiliumNetworkPolicy app/no-db-to-backend");
            });
    assertMatchesEngine(node.podMatrix());
  }

  /**
   * Runs {@code probes} with the flow log open; returns its events once one matches {@code until}.
   */
  private static List<FlowEvent> drain(Runnable probes, Predicate<FlowEvent> until) {
    List<FlowEvent> events = new CopyOnWriteArrayList<>();
    try (FlowLog log =
        new FlowLog(
            node.datapath().eventsFd(),
            e -> events.add(e.naming(node.datapath().appliedPolicies())))) {
      while (log.poll(0) > 0) {
        // what earlier tests left
      }
      events.clear();
      probes.run();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline && events.stream().noneMatch(until)) {
        log.poll(100);
      }
      log.poll(100);
    }
    return events;
  }
}
