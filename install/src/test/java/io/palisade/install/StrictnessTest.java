package io.palisade.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The checks fail where they must: a misspelt field anywhere is an error naming it. */
class StrictnessTest {

  static CrdSchemas schemas;
  static List<JsonNode> production;

  @BeforeAll
  static void render() {
    schemas = CrdSchemas.load();
    production = Kustomize.render(Kustomize.TREE.resolve("overlays/production"));
  }

  private static List<String> check(List<JsonNode> objects) {
    return new ManifestCheck(schemas).check(objects);
  }

  private static ObjectNode find(List<JsonNode> objects, String kind, String name) {
    return (ObjectNode)
        objects.stream()
            .filter(o -> o.path("kind").asText().equals(kind))
            .filter(o -> o.path("metadata").path("name").asText().equals(name))
            .findFirst()
            .orElseThrow()
            .deepCopy();
  }

  @Test
  void anOverlayThatMisspellsReplicasFailsTheCheck() {
    Path dir =
        Renderings.overlayWith(
            "misspelt-replicas",
            "overlays/production",
            """
            patches:
              - target:
                  kind: Deployment
                  name: palisade-operator
                patch: |-
                  - op: add
                    path: /spec/replcas
                    value: 3
            """);

    List<String> errors = check(Kustomize.render(dir));

    assertThat(errors)
        .singleElement()
        .asString()
        .startsWith("Deployment palisade-system/palisade-operator: ")
        .contains("\"replcas\"")
        .contains("Deployment[\"spec\"]");
  }

  @Test
  void aMisspeltFieldDeepInAPodTemplateIsFound() {
    ObjectNode ds = find(production, "DaemonSet", "palisade-node");
    ObjectNode c =
        (ObjectNode) ds.path("spec").path("template").path("spec").path("containers").get(0);
    ((ObjectNode) c.path("securityContext")).put("readOnlyRootFilesytem", true);

    assertThat(check(List.of(ds)))
        .singleElement()
        .asString()
        .contains("\"readOnlyRootFilesytem\"")
        .contains("[\"securityContext\"]");
  }

  @Test
  void aCustomResourceWithAMisspeltOrMisshapenFieldFailsAgainstItsSchema() {
    ObjectNode cert = find(production, "Certificate", "palisade-webhook");
    ObjectNode spec = (ObjectNode) cert.path("spec");
    spec.set("dnsName", spec.remove("dnsNames"));
    ((ObjectNode) spec.path("privateKey")).put("algorithm", "DSA");
    ((ObjectNode) cert.path("metadata")).putObject("labelz");

    List<String> errors = check(List.of(cert));

    assertThat(errors).hasSize(3);
    assertThat(String.join("\n", errors))
        .contains("$.spec: property 'dnsName' is not defined in the schema")
        .contains("$.spec.privateKey.algorithm: does not have a value in the enumeration")
        .contains("\"labelz\"");
  }

  @Test
  void aServiceMonitorIntervalOutsideThePrometheusOperatorsPatternFails() {
    ObjectNode sm = find(production, "ServiceMonitor", "palisade-operator");
    ((ObjectNode) sm.path("spec").path("endpoints").get(0)).put("interval", "30 seconds");

    assertThat(check(List.of(sm)))
        .singleElement()
        .asString()
        .contains("$.spec.endpoints[0].interval: does not match the regex pattern");
  }

  @Test
  void aPolicySourceIsCheckedAgainstPalisadesOwnGeneratedSchema() throws Exception {
    List<JsonNode> sample =
        Kustomize.parse(
            java.nio.file.Files.readString(Path.of("../config/samples/policysource.yaml")));
    ObjectNode source =
        (ObjectNode)
            sample.stream()
                .filter(o -> o.path("kind").asText().equals("PolicySource"))
                .findFirst()
                .orElseThrow()
                .deepCopy();
    assertThat(schemas.check(source)).isEmpty();

    ObjectNode spec = (ObjectNode) source.path("spec");
    spec.set("intervall", spec.remove("interval"));

    assertThat(schemas.check(source))
        .singleElement()
        .asString()
        .isEqualTo(
            "$.spec: property 'intervall' is not defined in the schema and the schema does not"
                + " allow additional properties");
  }

  @Test
  void rulesBeyondTheSchemasHold() {
    ObjectNode ds = find(production, "DaemonSet", "palisade-node");
    ObjectNode main =
        (ObjectNode) ds.path("spec").path("template").path("spec").path("containers").get(0);
    ((ObjectNode) main.path("volumeMounts").get(0)).put("mountPropagation", "Bidirectional");
    main.put("image", "palisade-node");
    ObjectNode role = find(production, "ClusterRole", "palisade-operator");
    ((ObjectNode) role.path("rules").get(0)).putArray("resources").add("pods").add("secrets");
    ObjectNode unknown = Kustomize.YAML.createObjectNode();
    unknown.put("apiVersion", "example.com/v1").put("kind", "Widget");
    unknown.putObject("metadata").put("name", "w").put("namespace", "default");

    String errors = String.join("\n", check(List.of(ds, role, unknown)));

    assertThat(errors)
        .contains("mount bpffs is Bidirectional, which the API server allows only to privileged")
        .contains("image palisade-node is not replaced")
        .contains("ClusterRole palisade-operator: grants secrets cluster-wide")
        .contains("no schema for example.com/v1/Widget");
  }
}
