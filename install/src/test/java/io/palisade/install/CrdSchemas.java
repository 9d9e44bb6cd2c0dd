package io.palisade.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The OpenAPI schemas of custom resources, checked the way the API server prunes: an object schema
 * with properties and without {@code x-kubernetes-preserve-unknown-fields} accepts no other field,
 * so a misspelt field is an error here where the server would drop it silently. Palisade's own
 * schemas come from {@code crds/}; third-party ones (cert-manager, the Prometheus Operator) are
 * minimal pinned copies in the test resources, each holding the fields Palisade's manifests use.
 */
final class CrdSchemas {

  static final Path PALISADE_CRDS = Path.of("../crds").toAbsolutePath().normalize();
  static final Path PINNED = Path.of("src/test/resources/schemas").toAbsolutePath();

  private final Map<String, JsonSchema> byType = new HashMap<>();

  /** Every schema of {@code crds/} and of the pinned third-party CRDs. */
  static CrdSchemas load() {
    CrdSchemas s = new CrdSchemas();
    for (Path dir : List.of(PALISADE_CRDS, PINNED)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
          s.add(Kustomize.YAML.readTree(f.toFile()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return s;
  }

  /** Registers each served version of a CustomResourceDefinition. */
  void add(JsonNode crd) {
    String group = crd.path("spec").path("group").asText();
    String kind = crd.path("spec").path("names").path("kind").asText();
    for (JsonNode v : crd.path("spec").path("versions")) {
      JsonNode openApi = v.path("schema").path("openAPIV3Schema");
      ObjectNode schema = strict(openApi.deepCopy());
      // metadata is the server's (checked with fabric8's ObjectMeta); the rest is the schema's.
      ObjectNode props = (ObjectNode) schema.with("properties");
      props.set("metadata", JsonNodeFactory.instance.objectNode().put("type", "object"));
      props.set("apiVersion", JsonNodeFactory.instance.objectNode().put("type", "string"));
      props.set("kind", JsonNodeFactory.instance.objectNode().put("type", "string"));
      schema.put("additionalProperties", false);
      byType.put(
          group + "/" + v.path("name").asText() + "/" + kind,
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema));
    }
  }

  boolean knows(JsonNode object) {
    return byType.containsKey(StrictModel.type(object));
  }

  /** Every problem of a custom resource, each with its path. */
  List<String> check(JsonNode object) {
    JsonSchema schema = byType.get(StrictModel.type(object));
    if (schema == null) {
      return List.of("no schema for " + StrictModel.type(object));
    }
    List<String> errors = new ArrayList<>();
    Set<ValidationMessage> messages = schema.validate(object);
    for (ValidationMessage m : messages) {
      // The message starts with the instance location, e.g. $.spec.interval.
      errors.add(m.getMessage());
    }
    StrictModel.checkMetadata(object.path("metadata")).ifPresent(errors::add);
    return errors;
  }

  /**
   * OpenAPI v3 as Kubernetes reads it, turned into draft-4 JSON Schema: closed objects, {@code
   * x-kubernetes-int-or-string}, {@code nullable}.
   */
  static ObjectNode strict(ObjectNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      ArrayNode any = schema.putArray("anyOf");
      any.addObject().put("type", "integer");
      any.addObject().put("type", "string");
      schema.remove("type");
    }
    if (schema.path("nullable").asBoolean(false) && schema.has("type")) {
      ArrayNode types = JsonNodeFactory.instance.arrayNode();
      types.add(schema.get("type").asText()).add("null");
      schema.set("type", types);
    }
    if (schema.has("properties")
        && !schema.has("additionalProperties")
        && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      schema.put("additionalProperties", false);
    }
    if (schema.get("properties") instanceof ObjectNode props) {
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        if (it.next().getValue() instanceof ObjectNode child) {
          strict(child);
        }
      }
    }
    for (String sub : List.of("items", "additionalProperties")) {
      if (schema.get(sub) instanceof ObjectNode child) {
        strict(child);
      }
    }
    for (String list : List.of("anyOf", "allOf", "oneOf")) {
      if (schema.get(list) instanceof ArrayNode alternatives) {
        alternatives.forEach(a -> strict((ObjectNode) a));
      }
    }
    return schema;
  }
}
