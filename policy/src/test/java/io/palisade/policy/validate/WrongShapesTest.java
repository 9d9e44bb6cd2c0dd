package io.palisade.policy.validate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The meaning of a document is checked even when some of its fields have the wrong shape, on the
 * tree without them: so every value of a rich policy is replaced in turn by null, a string, a
 * number, a list and an object, and validation must report it (or accept it) without throwing.
 */
class WrongShapesTest {

  private static final String RICH =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: p, namespace: prod}
      spec:
        endpointSelector:
          matchLabels: {app: web}
          matchExpressions: [{key: tier, operator: In, values: [fe]}]
        enableDefaultDeny: {ingress: true, egress: false}
        labels: [{key: k, value: v, source: s}]
        log: {value: hello}
        ingress:
        - fromEndpoints: [{matchLabels: {app: api}}]
          toPorts:
          - ports: [{port: "80", endPort: 90, protocol: TCP}]
            rules: {http: [{method: GET, path: /, headerMatches: [{name: h, value: v}]}]}
        - fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}, {cidrGroupRef: g}]
          icmps: [{fields: [{family: IPv4, type: 8}]}]
        - fromEntities: [world]
        ingressDeny:
        - fromCIDR: [192.168.0.0/16]
          toPorts: [{ports: [{port: "22"}]}]
        egress:
        - toEndpoints: [{}]
          toPorts:
          - ports: [{port: "9092", protocol: TCP}]
            rules: {kafka: [{role: produce, topic: t}]}
        egressDeny:
        - toEntities: [all]
          icmps: [{fields: [{family: IPv6, type: EchoRequest}]}]
      """;

  private static final List<JsonNode> REPLACEMENTS =
      List.of(
          JsonNodeFactory.instance.nullNode(),
          JsonNodeFactory.instance.textNode("x"),
          JsonNodeFactory.instance.numberNode(7),
          JsonNodeFactory.instance.arrayNode().add(1),
          JsonNodeFactory.instance.objectNode().put("x", 1));

  @Test
  void everyValueReplacedByEveryShapeIsReportedNeverThrown() throws Exception {
    ObjectMapper yaml = new YAMLMapper();
    JsonNode original = yaml.readTree(RICH);
    PolicyLoader loader = new PolicyLoader();
    assertThat(loader.load("p.yaml", RICH).errors()).isEmpty();
    List<List<Object>> paths = new ArrayList<>();
    collect(original, new ArrayList<>(), paths);
    int refused = 0;
    for (List<Object> path : paths) {
      for (JsonNode replacement : REPLACEMENTS) {
        JsonNode doc = original.deepCopy();
        replace(doc, path, replacement);
        String text = yaml.writeValueAsString(doc);
        // Throws, failing the test, if some validator cannot cope with what the rest became.
        LoadResult r = loader.load("p.yaml", text);
        assertThat(r.errors())
            .as("%s", text)
            .allSatisfy(e -> assertThat(e.error().message()).doesNotContain("cannot be read"));
        refused += r.valid() ? 0 : 1;
      }
    }
    assertThat(paths).hasSizeGreaterThan(60);
    // Of five shapes, at most null and one other fit a field; most replacements must be refused.
    assertThat(refused).isGreaterThan(paths.size() * 3);
  }

  /** The path of every value under {@code spec}, as field names and list indexes. */
  private static void collect(JsonNode node, List<Object> at, List<List<Object>> out) {
    if (at.size() > 1 && at.getFirst().equals("spec")) {
      out.add(List.copyOf(at));
    }
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                at.add(e.getKey());
                collect(e.getValue(), at, out);
                at.removeLast();
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        at.add(i);
        collect(node.get(i), at, out);
        at.removeLast();
      }
    }
  }

  private static void replace(JsonNode doc, List<Object> path, JsonNode value) {
    JsonNode parent = doc;
    for (Object step : path.subList(0, path.size() - 1)) {
      parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
    }
    Object last = path.getLast();
    if (last instanceof Integer i) {
      ((ArrayNode) parent).set(i, value);
    } else {
      ((ObjectNode) parent).set((String) last, value);
    }
  }
}
