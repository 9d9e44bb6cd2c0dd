package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The node every datapath scenario runs on: four IPv4 pods in three namespaces, two IPv6 pods, and
 * an outside host with two addresses for CIDR rules, built once per test class and removed after
 * it. Scenarios apply a policy set and judge real packets against the engine's verdicts.
 */
abstract class NodeScenarios {

  static final String FRONTEND = "app/frontend";
  static final String BACKEND = "app/backend";
  static final String DB = "data/db";
  static final String STRANGER = "other/stranger";
  static final String WEB6 = "app/web6";
  static final String CLIENT6 = "app/client6";
  static final String OUT_ALLOWED = "203.0.113.10";
  static final String OUT_EXCEPTED = "203.0.113.20";

  static DatapathFixture node;

  @BeforeAll
  static void build() {
    Privileges.requireRoot();
    node =
        new DatapathFixture(
            List.of(
                new PodSpec("app", "frontend", Map.of("app", "frontend"), "10.200.0.11"),
                new PodSpec("app", "backend", Map.of("app", "backend"), "10.200.0.12"),
                new PodSpec("data", "db", Map.of("app", "db"), "10.200.0.13"),
                new PodSpec("other", "stranger", Map.of("app", "frontend"), "10.200.0.14"),
                new PodSpec("app", "web6", Map.of("app", "web6"), "fd00:200::15"),
                new PodSpec("app", "client6", Map.of("app", "frontend"), "fd00:200::16")),
            List.of(OUT_ALLOWED, OUT_EXCEPTED));
  }

  @AfterAll
  static void tearDown() {
    if (node != null) {
      node.close();
    }
  }

  static void assertMatchesEngine(List<Flow> flows) {
    Map<Flow, String> mismatches = node.check(flows);
    assertThat(mismatches).as("flows where packets disagree with the engine").isEmpty();
  }

  static List<Flow> withOutside(List<Flow> flows) {
    List<Flow> out = new ArrayList<>(flows);
    for (String from : List.of(FRONTEND, BACKEND)) {
      out.add(Flow.tcp(from, OUT_ALLOWED, 80));
      out.add(Flow.tcp(from, OUT_EXCEPTED, 80));
      out.add(Flow.icmp(from, OUT_ALLOWED));
    }
    return out;
  }
}
