package io.palisade.operator.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A JSON patch (RFC 6902) that the API server applies only to the version of the object it was
 * computed from: its first operation sets {@code metadata.resourceVersion} to that version, which
 * the server takes as a precondition and answers 409 Conflict when the object has changed since. (A
 * JSON merge patch would carry the version as well, but the mock API server merges lists instead of
 * replacing them, so tests could not tell a right merge from a wrong one.)
 */
public final class ConditionalPatch {

  private final ArrayNode ops = JsonNodeFactory.instance.arrayNode();

  private ConditionalPatch(String resourceVersion) {
    op("replace", "/metadata/resourceVersion").put("value", resourceVersion);
  }

  /** A patch of {@code copy}, conditional on its resourceVersion. */
  public static ConditionalPatch over(HasMetadata copy) {
    return new ConditionalPatch(copy.getMetadata().getResourceVersion());
  }

  /**
   * Sets the member at {@code pointer} (added, or replacing the one there); its parent must exist.
   */
  public ConditionalPatch set(String pointer, JsonNode value) {
    op("add", pointer).set("value", value);
    return this;
  }

  /**
   * {@code key} as one step of a JSON pointer: {@code palisade.io/status} → {@code
   * palisade.io~1status}.
   */
  public static String step(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private ObjectNode op(String op, String path) {
    return ops.addObject().put("op", op).put("path", path);
  }

  /** The patch's JSON. */
  @Override
  public String toString() {
    return ops.toString();
  }
}
