package io.palisade.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PageApiTest {

  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: prod}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: dev}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: api, namespace: prod, labels: {app: api}}
      spec: {containers: [{name: c, image: i, ports: [{containerPort: 80, protocol: TCP}]}]}
      status: {podIP: 10.0.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: web, namespace: prod, labels: {app: web}}
      spec: {containers: [{name: c, image: i}]}
      status: {podIP: 10.0.0.2}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: tool, namespace: dev, labels: {app: tool}}
      spec: {containers: [{name: c, image: i}]}
      status: {podIP: 10.0.0.3}
      """;

  /** prod/api takes port 80 from prod/web only. */
  private static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: api-in, namespace: prod}
      spec:
        endpointSelector: {matchLabels: {app: api}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: web}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
      """;

  private final ObjectMapper json = new ObjectMapper();
  private final PageApi api = new PageApi(PageApiTest::snapshot);

  private static ClusterSnapshot snapshot() {
    ClusterFile.Result file = ClusterFile.read(CLUSTER);
    assertThat(file.errors()).isEmpty();
    Cluster c = file.contents().cluster();
    LoadResult policies = new PolicyLoader().load("policy.yaml", POLICY);
    assertThat(policies.errors()).isEmpty();
    return new ClusterSnapshot(
        c.namespaces(),
        c.pods().stream().map(p -> new Workload(p, Optional.empty(), List.of(), false)).toList(),
        policies.policySet().rules());
  }

  private JsonNode body(ApiAnswer a, int status) throws Exception {
    assertThat(a.status()).as(a.json()).isEqualTo(status);
    return json.readTree(a.json());
  }

  private static JsonNode cell(JsonNode matrix, String from, String to) {
    for (JsonNode c : matrix.get("cells")) {
      if (c.get("from").asText().equals(from) && c.get("to").asText().equals(to)) {
        return c;
      }
    }
    throw new AssertionError("no cell " + from + " -> " + to + " in " + matrix);
  }

  @Test
  void aPodMatrixDecidesEachPairAsThePolicySays() throws Exception {
    JsonNode m = body(api.matrix(Map.of("level", "pod", "ports", "80/TCP")), 200);
    assertThat(m.get("subjects").toString()).isEqualTo("[\"dev/tool\",\"prod/api\",\"prod/web\"]");
    assertThat(cell(m, "prod/web", "prod/api").get("verdict").asText()).isEqualTo("ALLOWED");
    assertThat(cell(m, "dev/tool", "prod/api").get("verdict").asText()).isEqualTo("DENIED");
    assertThat(cell(m, "prod/api", "prod/web").get("verdict").asText()).isEqualTo("ALLOWED");
    // A pod to itself is no cell: 3 pods, 6 cells.
    assertThat(m.get("cells")).hasSize(6);
  }

  @Test
  void aNamespaceCellCountsItsPodPairsAndSaysMixedWhenTheyDisagree() throws Exception {
    JsonNode m = body(api.matrix(Map.of("ports", "80")), 200);
    assertThat(m.get("level").asText()).isEqualTo("namespace");
    JsonNode devToProd = cell(m, "dev", "prod");
    assertThat(devToProd.get("verdict").asText()).isEqualTo("MIXED");
    assertThat(devToProd.get("allowed").asLong()).isEqualTo(1); // tool -> web
    assertThat(devToProd.get("denied").asLong()).isEqualTo(1); // tool -> api
    assertThat(cell(m, "prod", "prod").get("verdict").asText()).isEqualTo("ALLOWED");
    assertThat(cell(m, "prod", "prod").get("allowed").asLong()).isEqualTo(2);
    assertThat(cell(m, "dev", "dev").get("verdict").asText()).isEqualTo("NONE");
  }

  @Test
  void withoutPortsTheMatrixTakesThePortsPodsAndPoliciesName() throws Exception {
    JsonNode m = body(api.matrix(Map.of()), 200);
    assertThat(m.get("ports").toString()).isEqualTo("[\"80/TCP\"]");
  }

  @Test
  void badPortsAndLevelsAreRefusedNamingEachEntry() throws Exception {
    JsonNode e = body(api.matrix(Map.of("ports", "80/XYZ,abc/TCP,70000")), 400);
    assertThat(e.get("errors").toString())
        .contains("ports[0]: \\\"80/XYZ\\\" has no known protocol")
        .contains("ports[1]: \\\"abc/TCP\\\" is not N/PROTO")
        .contains("ports[2]: \\\"70000\\\" is out of range");
    JsonNode l = body(api.matrix(Map.of("level", "cluster")), 400);
    assertThat(l.get("errors").get(0).asText())
        .isEqualTo("level: \"cluster\" is not pod or namespace");
  }

  @Test
  void aWhatIfListsTheCellsThatChangeWithTheRuleResponsible() throws Exception {
    String next = POLICY.replace("{app: web}", "{app: tool, k8s:io.kubernetes.pod.namespace: dev}");
    JsonNode w = body(api.whatIf(Map.of("ports", "80/TCP"), next), 200);
    assertThat(w.get("policies").toString()).isEqualTo("[\"CiliumNetworkPolicy prod/api-in\"]");
    assertThat(w.get("widened").asLong()).isEqualTo(1);
    assertThat(w.get("narrowed").asLong()).isEqualTo(1);
    JsonNode widened = w.get("changes").get(0);
    assertThat(widened.get("from").asText()).isEqualTo("dev/tool");
    assertThat(widened.get("to").asText()).isEqualTo("prod/api");
    assertThat(widened.get("before").asText()).isEqualTo("DENIED");
    assertThat(widened.get("after").asText()).isEqualTo("ALLOWED");
    assertThat(widened.get("rule").asText())
        .contains("CiliumNetworkPolicy prod/api-in spec.ingress[0]");
    JsonNode narrowed = w.get("changes").get(1);
    assertThat(narrowed.get("from").asText()).isEqualTo("prod/web");
    assertThat(narrowed.get("widened").asBoolean()).isFalse();
  }

  @Test
  void theSamePolicyPostedAgainChangesNothing() throws Exception {
    JsonNode w = body(api.whatIf(Map.of(), POLICY), 200);
    assertThat(w.get("changes")).isEmpty();
  }

  @Test
  void anInvalidPolicyIsRefusedWithItsFieldPath() throws Exception {
    String bad =
        POLICY.replace(
            "toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]",
            "toPorts: [{ports: [{port: \"80\", protocol: XTP}]}]");
    JsonNode e = body(api.whatIf(Map.of(), bad), 400);
    assertThat(e.get("errors").get(0).asText())
        .startsWith("whatif.yaml: CiliumNetworkPolicy prod/api-in: spec.ingress[0].toPorts[0]");
    assertThat(body(api.whatIf(Map.of(), ""), 400).get("errors").get(0).asText())
        .isEqualTo("body: no policy YAML was posted");
  }

  @Test
  void assetPathsThatLeaveTheFolderOrNameNothingAreNotServed() throws Exception {
    assertThat(PageAssets.find("/ui/../META-INF/MANIFEST.MF")).isEmpty();
    assertThat(PageAssets.find("/ui/nothing.js")).isEmpty();
    assertThat(PageAssets.find("/other/index.html")).isEmpty();
  }
}
