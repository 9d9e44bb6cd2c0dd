package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.Flow;
import io.palisade.node.observe.FlowEvent;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.Metrics;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The flow log drained from the ring buffer and the Prometheus metrics, after real verdicts. */
class ObservabilityIT extends NodeScenarios {

  @Test
  void flowLogAndMetricsRecordVerdicts() {
    node.enforce(
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: backend-ingress, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: backend}}
          ingress:
            - fromEndpoints: [{matchLabels: {app: frontend}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}]}]
        """);
    List<FlowEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (FlowLog log = new FlowLog(node.datapath().eventsFd(), events::add)) {
      while (log.poll(0) > 0) {
        // drain what earlier tests left
      }
      events.clear();
      assertThat(node.reachable(Flow.tcp(FRONTEND, BACKEND, 80))).isTrue();
      assertThat(node.reachable(Flow.tcp(DB, BACKEND, 80))).isFalse();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < deadline && !hasBoth(events)) {
        log.poll(100);
      }
    }
    String backend = node.address(BACKEND);
    long backendId = node.policy().endpoint(BACKEND).orElseThrow().identity().id();
    long dbId = node.policy().endpoint(DB).orElseThrow().identity().id();
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.source()).isEqualTo(node.address(FRONTEND));
              assertThat(e.destination()).isEqualTo(backend);
              assertThat(e.destinationPort()).isEqualTo(80);
              assertThat(e.direction()).isEqualTo("ingress");
              assertThat(e.verdict()).isEqualTo("allowed");
              assertThat(e.reason()).isEqualTo("policy_allow");
              assertThat(e.destinationIdentity()).isEqualTo(backendId);
            });
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.source()).isEqualTo(node.address(DB));
              assertThat(e.sourceIdentity()).isEqualTo(dbId);
              assertThat(e.verdict()).isEqualTo("dropped");
              assertThat(e.reason()).isEqualTo("policy_denied");
              assertThat(e.toJson()).contains("\"protocol\":\"TCP\"", "\"destination_port\":80");
            });
    String metrics =
        Metrics.render(
            node.datapath().counters(), node.datapath().fill(), node.datapath().repairedEntries());
    assertThat(metrics)
        .containsPattern("palisade_dropped_packets_total\\{reason=\"policy_denied\"} [1-9]")
        .containsPattern("palisade_forwarded_packets_total\\{reason=\"ct_reply\"} [1-9]")
        .contains("palisade_map_entries{map=\"pal_endpoints\"} 6");
  }

  private static boolean hasBoth(List<FlowEvent> events) {
    return events.stream()
            .anyMatch(e -> e.verdict().equals("allowed") && e.direction().equals("ingress"))
        && events.stream().anyMatch(FlowEvent::isDrop);
  }
}
