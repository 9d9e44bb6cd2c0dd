package io.palisade.crds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRD YAML checked in under {@code crds/} is what the build generates, and each schema accepts
 * every document Cilium's own schema accepts.
 */
class GeneratedCrdsTest {

  private static final Path GENERATED = Path.of("target/classes/META-INF/fabric8");
  private static final Path CHECKED_IN = Path.of(".");
  private static final Path CILIUM_CRDS =
      Path.of("../corpus/cilium-examples/pkg/k8s/apis/cilium.io/client/crds/v2");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Schema keywords that narrow what a schema accepts. */
  private static final Set<String> NARROWING =
      Set.of(
          "enum",
          "pattern",
          "maxItems",
          "minItems",
          "maximum",
          "minimum",
          "maxLength",
          "minLength",
          "required",
          "format",
          "x-kubernetes-validations",
          "oneOf");

  /** The API server itself handles these; each schema describes its own status. */
  private static final Set<String> ROOT_FIELDS_OWNED_BY_EACH_SIDE =
      Set.of("apiVersion", "kind", "metadata", "status");

  @Test
  void checkedInCrdsMatchTheGeneratedOnes() throws IOException {
    List<Path> generated;
    try (Stream<Path> files = Files.list(GENERATED)) {
      generated = files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
    }
    assertThat(generated).hasSize(5);
    for (Path file : generated) {
      Path checkedIn = CHECKED_IN.resolve(file.getFileName());
      assertThat(checkedIn)
          .as(
              "%s drifted from the generated CRD; refresh it with"
                  + " `cp crds/target/classes/META-INF/fabric8/*-v1.yml crds/`",
              checkedIn)
          .exists()
          .hasSameTextualContentAs(file);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ciliumnetworkpolicies",
        "ciliumclusterwidenetworkpolicies",
        "ciliumidentities",
        "ciliumcidrgroups"
      })
  void schemaIsNoNarrowerThanCiliums(String plural) throws IOException {
    JsonNode cilium = schemaOf(CILIUM_CRDS.resolve(plural + ".yaml"));
    JsonNode ours = schemaOf(GENERATED.resolve(plural + ".cilium.io-v1.yml"));
    List<String> problems = new ArrayList<>();
    compare(cilium, ours, plural, problems);
    assertThat(problems).isEmpty();
  }

  private static JsonNode schemaOf(Path crd) throws IOException {
    JsonNode root = YAML.readTree(crd.toFile());
    for (JsonNode version : root.path("spec").path("versions")) {
      if (version.path("name").asText().equals("v2")) {
        return version.path("schema").path("openAPIV3Schema");
      }
    }
    throw new IllegalStateException("no v2 schema in " + crd);
  }

  /**
   * Every property of Cilium's schema must exist in ours with the same type, and ours must not add
   * a narrowing keyword Cilium lacks.
   */
  private static void compare(JsonNode cilium, JsonNode ours, String path, List<String> problems) {
    if (ours.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    String theirType = cilium.path("type").asText("");
    String ourType = ours.path("type").asText("");
    boolean ourIntOrString = ours.path("x-kubernetes-int-or-string").asBoolean(false);
    if (!theirType.isEmpty() && !theirType.equals(ourType) && !ourIntOrString) {
      problems.add(path + ": type " + ourType + " where Cilium has " + theirType);
    }
    for (Iterator<String> it = ours.fieldNames(); it.hasNext(); ) {
      String keyword = it.next();
      if (NARROWING.contains(keyword) && !cilium.has(keyword)) {
        problems.add(path + ": " + keyword + " narrows what Cilium accepts");
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = cilium.path("properties").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      String name = property.getKey();
      if (path.indexOf('.') < 0 && ROOT_FIELDS_OWNED_BY_EACH_SIDE.contains(name)) {
        continue;
      }
      JsonNode ourProperty = ours.path("properties").path(name);
      if (ourProperty.isMissingNode()) {
        problems.add(path + "." + name + ": missing");
      } else {
        compare(property.getValue(), ourProperty, path + "." + name, problems);
      }
    }
    if (cilium.has("items")) {
      compare(cilium.path("items"), ours.path("items"), path + "[]", problems);
    }
    if (cilium.path("additionalProperties").isObject()) {
      compare(
          cilium.path("additionalProperties"),
          ours.path("additionalProperties"),
          path + "{}",
          problems);
    }
  }
}
