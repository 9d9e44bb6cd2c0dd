package io.palisade.pipeline.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The filters of {@code /api/flows}: each narrows, every bad one is named at once. */
class FlowFilterTest {

  private static final Instant NOW = Instant.parse("2026-12-03T18:00:00Z");

  private static final Flow DROP =
      new Flow(
          NOW.minusSeconds(30),
          "dropped",
          "policy_denied",
          "ingress",
          "TCP",
          new Flow.Endpoint(Optional.of("db"), Optional.of("data"), "10.0.0.3", 300, 41000),
          new Flow.Endpoint(Optional.of("backend"), Optional.of("app"), "10.0.0.2", 200, 80),
          Optional.of(new PolicyDecision("CiliumNetworkPolicy", "app", "be", "spec", "kubectl")),
          List.of(new PolicyDecision("CiliumNetworkPolicy", "app", "be", "spec", "kubectl")),
          List.of(),
          3);

  private static boolean matches(Map<String, String> params) {
    return FlowFilter.parse(params, NOW).matches(DROP);
  }

  @Test
  void eachFilterNarrows() {
    assertThat(matches(Map.of())).isTrue();
    assertThat(matches(Map.of("pod", "data/db"))).isTrue();
    assertThat(matches(Map.of("pod", "backend"))).isTrue();
    assertThat(matches(Map.of("pod", "app/db"))).isFalse();
    assertThat(matches(Map.of("namespace", "app"))).isTrue();
    assertThat(matches(Map.of("namespace", "kube-system"))).isFalse();
    assertThat(matches(Map.of("identity", "300"))).isTrue();
    assertThat(matches(Map.of("identity", "301"))).isFalse();
    assertThat(matches(Map.of("verdict", "dropped"))).isTrue();
    assertThat(matches(Map.of("verdict", "allowed"))).isFalse();
    assertThat(matches(Map.of("policy", "app/be"))).isTrue();
    assertThat(matches(Map.of("policy", "be"))).isTrue();
    assertThat(matches(Map.of("policy", "data/be"))).isFalse();
    assertThat(matches(Map.of("port", "80"))).isTrue();
    assertThat(matches(Map.of("port", "443"))).isFalse();
    assertThat(matches(Map.of("since", "1m"))).isTrue();
    assertThat(matches(Map.of("since", "10s"))).isFalse();
    assertThat(matches(Map.of("since", "2026-12-03T17:59:00Z"))).isTrue();
  }

  @Test
  void theNodeFilterKeepsTheFlowsOfThatNodeAndNoFlowWithoutOne() {
    FlowFilter onA = FlowFilter.parse(Map.of("node", "node-a"), NOW);
    assertThat(onA.matches(DROP.onNode("node-a"))).isTrue();
    assertThat(onA.matches(DROP.onNode("node-b"))).isFalse();
    assertThat(onA.matches(DROP)).isFalse();
    assertThat(FlowFilter.ALL.matches(DROP.onNode("node-b"))).isTrue();
  }

  @Test
  void everyBadParameterIsNamedAtOnce() {
    assertThatThrownBy(
            () ->
                FlowFilter.parse(
                    Map.of("port", "99999", "identity", "x", "since", "yesterday", "colour", "red"),
                    NOW))
        .hasMessageContaining("colour: unknown filter")
        .hasMessageContaining("identity: \"x\" is not an identity number")
        .hasMessageContaining("port: \"99999\" is not a port number")
        .hasMessageContaining("since: \"yesterday\" is neither an instant");
  }

  @Test
  void theRingKeepsTheNewestAndALaggingFollowerIsToldWhatItLost() throws Exception {
    FlowRing ring = new FlowRing(2);
    try (FlowRing.Follower f = ring.follow(FlowFilter.ALL, false)) {
      for (int i = 0; i < FlowRing.FOLLOWER_QUEUE + 5; i++) {
        ring.accept(DROP);
      }
      assertThat(ring.recent(FlowFilter.ALL)).hasSize(2);
      assertThat(f.next(1000)).hasSize(FlowRing.FOLLOWER_QUEUE);
      assertThat(f.takeLost()).isEqualTo(5);
      assertThat(f.takeLost()).isZero();
    }
  }

  @Test
  void aFollowerStartingWhileSeveralThreadsAddGetsEachFlowOnce() throws Exception {
    FlowRing ring = new FlowRing(10_000);
    List<Thread> adders = new java.util.ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int base = t * 1000;
      adders.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      ring.accept(DROP.onNode("node-" + (base + i)));
                    }
                  }));
    }
    try (FlowRing.Follower f = ring.follow(FlowFilter.ALL, true)) {
      for (Thread t : adders) {
        t.join();
      }
      List<Flow> seen = new java.util.ArrayList<>();
      for (List<Flow> batch = f.next(100); !batch.isEmpty(); batch = f.next(100)) {
        seen.addAll(batch);
      }
      assertThat(f.takeLost()).isZero();
      assertThat(seen).hasSize(4000).doesNotHaveDuplicates();
    }
  }

  @Test
  void drainedFlowsReadBackFromTheirJson() {
    assertThat(Flow.fromJson(DROP.toJsonNode())).isEqualTo(DROP);
    assertThat(DROP.toJson())
        .contains("\"source\":{\"pod\":\"db\",\"namespace\":\"data\",\"address\":\"10.0.0.3\"")
        .contains("\"policy\":{\"kind\":\"CiliumNetworkPolicy\",\"namespace\":\"app\"")
        .doesNotContain("\"node\"");
    Flow relayed = DROP.onNode("node-a");
    assertThat(relayed.toJson()).endsWith(",\"ifindex\":3,\"node\":\"node-a\"}");
    assertThat(Flow.fromJson(relayed.toJsonNode())).isEqualTo(relayed);
  }
}
