package io.palisade.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.CiliumPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A policy whose rules do not read as this model's is kept as written instead of failing the reader
 * (a watch would stop) or losing the field (a policy would mean less than it says).
 */
class CiliumPolicyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  private static final String RULE =
      """
      {"endpointSelector": {"matchLabels": {"app": "db"}},
       "ingress": [{"fromEndpoints": [{"matchLabels": {"app": "web"}}],
                    "toPorts": [{"ports": [{"port": "5432", "protocol": "TCP"}]}]}]}
      """;

  private static String cnp(String spec, String specs) {
    return """
        {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy",
         "metadata": {"name": "p", "namespace": "default"}, "spec": %s, "specs": %s}
        """
        .formatted(spec, specs);
  }

  private static CiliumNetworkPolicy read(String json, boolean withFabric8) throws Exception {
    return withFabric8
        ? FABRIC8.unmarshal(json, CiliumNetworkPolicy.class)
        : JSON.readValue(json, CiliumNetworkPolicy.class);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void rulesThatReadAreRulesAndWriteBackAsRead(boolean withFabric8) throws Exception {
    String json = cnp(RULE, "[" + RULE + "]");
    CiliumNetworkPolicy p = read(json, withFabric8);

    assertThat(p.getSpec().endpointSelector().matchLabels()).containsEntry("app", "db");
    assertThat(p.getSpecs()).hasSize(1);
    assertThat(p.unreadRules()).isEmpty();
    JsonNode written = JSON.valueToTree(p);
    assertThat(written.get("spec")).isEqualTo(JSON.readTree(RULE));
    assertThat(written.get("specs").get(0)).isEqualTo(JSON.readTree(RULE));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aFieldTheModelLacksKeepsThatPartAsWritten(boolean withFabric8) throws Exception {
    String odd =
        """
        {"endpointSelector": {}, "ingress": [{"fromEndpoints": [{}], "fromSomewhereNew": ["x"]}]}
        """;
    CiliumNetworkPolicy p = read(cnp(odd, "[" + RULE + "]"), withFabric8);

    assertThat(p.getSpec()).as("no rule is made of it").isNull();
    assertThat(p.unreadRules()).containsOnlyKeys("spec");
    assertThat(p.unreadRules().get("spec")).isEqualTo(JSON.readTree(odd));
    assertThat(p.getSpecs()).as("the part that read").hasSize(1);
    // Written out and read again, as a copy is made, it is still as written.
    CiliumNetworkPolicy copy = read(FABRIC8.asJson(p), withFabric8);
    assertThat(copy.unreadRules()).isEqualTo(p.unreadRules());
    assertThat(JSON.valueToTree(copy).get("spec")).isEqualTo(JSON.readTree(odd));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aValueOfTheWrongShapeKeepsThatPartAsWritten(boolean withFabric8) throws Exception {
    String odd = "[{\"endpointSelector\": {}, \"ingress\": \"everyone\"}]";
    CiliumNetworkPolicy p = read(cnp(RULE, odd), withFabric8);

    assertThat(p.getSpecs()).isNull();
    assertThat(p.unreadRules()).containsOnlyKeys("specs");
    assertThat(p.unreadRules().get("specs")).isEqualTo(JSON.readTree(odd));
    assertThat(p.getSpec()).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aStatusOfTheWrongShapeReadsAsNone(boolean withFabric8) throws Exception {
    String json = cnp(RULE, "null").replace("\"specs\": null", "\"status\": {\"conditions\": 7}");
    CiliumNetworkPolicy p = read(json, withFabric8);

    assertThat(p.getStatus()).isNull();
    assertThat(p.getSpec()).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void settingRulesReplacesWhatWasKeptAsWritten(boolean withFabric8) throws Exception {
    CiliumPolicy p =
        FABRIC8.unmarshal(
            cnp("{\"bogus\": 1}", "[{\"bogus\": 2}]")
                .replace("CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"),
            CiliumClusterwideNetworkPolicy.class);
    assertThat(p.unreadRules()).containsOnlyKeys("spec", "specs");
    CiliumNetworkPolicy good = read(cnp(RULE, "null"), withFabric8);

    p.setSpec(good.getSpec());
    assertThat(p.unreadRules()).containsOnlyKeys("specs");
    p.setSpecs(java.util.List.of(good.getSpec()));
    assertThat(p.unreadRules()).isEmpty();
  }
}
