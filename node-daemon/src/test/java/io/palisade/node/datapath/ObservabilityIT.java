package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.PrometheusText;
import io.palisade.node.observe.DatapathMeters;
import io.palisade.node.observe.FlowEvent;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.ObserveServer;
import io.palisade.node.observe.Readiness;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The flow log drained from the ring buffer, and the Micrometer meters scraped over HTTP as
 * Prometheus would, after real verdicts.
 */
class ObservabilityIT extends NodeScenarios {

  private static final String DROPPED = "palisade_dropped_packets_total";
  private static final String FORWARDED = "palisade_forwarded_packets_total";
  private static final String APPLY = "palisade_datapath_apply_seconds";

  @Test
  void flowLogAndMetricsRecordVerdicts() throws Exception {
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    DatapathMeters.bind(registry, node.datapath());
    try (ObserveServer server =
        ObserveServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            registry,
            () -> Readiness.ready("ready: test"))) {
      PrometheusText before = scrape(server);
      flowLogAndVerdicts();
      PrometheusText after = scrape(server);
      Map<String, String> denied = Map.of("direction", "ingress", "reason", "policy_denied");
      Map<String, String> allowed = Map.of("direction", "ingress", "reason", "policy_allow");
      assertThat(after.type(DROPPED)).contains("counter");
      assertThat(after.type(APPLY)).contains("histogram");
      assertThat(after.find(DROPPED, denied)).hasSize(1);
      assertThat(after.sum(DROPPED, denied)).isGreaterThan(before.sum(DROPPED, denied));
      assertThat(after.sum(FORWARDED, allowed)).isGreaterThan(before.sum(FORWARDED, allowed));
      assertThat(after.sum(FORWARDED, Map.of("reason", "ct_reply")))
          .isGreaterThan(before.sum(FORWARDED, Map.of("reason", "ct_reply")));
      assertThat(after.find(FORWARDED, Map.of()))
          .allSatisfy(
              s -> assertThat(s.labels()).containsOnlyKeys("direction", "reason").isNotEmpty())
          .extracting(s -> s.labels().get("direction"))
          .containsOnly("ingress", "egress");
      assertThat(after.sum("palisade_map_entries", Map.of("map", "pal_endpoints"))).isEqualTo(6);
      assertThat(after.sum("palisade_map_capacity", Map.of("map", "pal_policy"))).isPositive();
      assertThat(after.sum(APPLY + "_count", Map.of()))
          .as("the apply of this test's policy was timed")
          .isGreaterThan(before.sum(APPLY + "_count", Map.of()));
      assertThat(after.find(APPLY + "_bucket", Map.of("le", "+Inf"))).hasSize(1);
      assertThat(after.find("palisade_flow_events_lost_total", Map.of())).hasSize(1);
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").body()).isEqualTo("ready: test\n");
    }
  }

  private static PrometheusText scrape(ObserveServer server) throws Exception {
    HttpResponse<String> r = get(server, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> t.startsWith("text/plain; version=0.0.4"));
    return PrometheusText.parse(r.body());
  }

  private static HttpResponse<String> get(ObserveServer server, String path) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private void flowLogAndVerdicts() {
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
  }

  private static boolean hasBoth(List<FlowEvent> events) {
    return events.stream()
            .anyMatch(e -> e.verdict().equals("allowed") && e.direction().equals("ingress"))
        && events.stream().anyMatch(FlowEvent::isDrop);
  }
}
