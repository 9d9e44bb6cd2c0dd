package io.palisade.policy.validate;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.palisade.policy.parse.FieldError;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a JSON tree against the Java type it will bind to before it is bound, so that every
 * unknown field and every value of the wrong shape is reported at once, each at its path. A typo
 * such as {@code fromEndpoint} must be an error: binding leniently would silently drop the peer
 * list and widen the rule. The check also yields the tree without those fields, which binds, so
 * that the meaning of the rest can be checked in the same pass; that tree is never enforced.
 */
public final class SchemaCheck {

  /** Types whose content is free-form by design. */
  private static final Set<Class<?>> OPAQUE = Set.of(JsonNode.class, Object.class, FieldsV1.class);

  /**
   * What an integer too large for its Java type is not, in the field's own words; other fields say
   * how large they may be. Smaller values out of range are the meaning checks' concern.
   */
  private static final Map<String, String> TOO_LARGE =
      Map.of(
          "endPort", "is not a port (0-65535)",
          "port", "is not a port (0-65535)",
          "type", "is not an ICMP type (0-255 or a name such as EchoRequest)");

  /** Fields that the controller writes, never the author: not checked. */
  private static final Set<String> SKIPPED = Set.of("status");

  private final ObjectMapper mapper;
  // Shared by threads that validate at once (the operator validates on several).
  private final Map<JavaType, Map<String, JavaType>> properties = new ConcurrentHashMap<>();

  public SchemaCheck(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /**
   * What the check found: every unknown field and value of the wrong shape, and a copy of the tree
   * with each of them removed (an element of a list becomes null, so later indexes keep their
   * paths).
   */
  public record Result(List<FieldError> errors, JsonNode bindable) {

    public Result {
      errors = List.copyOf(errors);
    }
  }

  /** Every field of {@code node} that {@code type} does not have, or has with another shape. */
  public Result check(JsonNode node, Class<?> type) {
    FieldErrors errors = new FieldErrors();
    JsonNode copy = node.deepCopy();
    List<Runnable> removals = new ArrayList<>();
    check(copy, mapper.constructType(type), "", errors, true, removals);
    // Applied after the walk, which iterates the very containers they change.
    removals.forEach(Runnable::run);
    return new Result(errors.list(), copy);
  }

  /**
   * Checks {@code node} and everything in it, adding to {@code rm} the removal of each bad child;
   * returns whether the node's own shape is right (when not, its parent removes it).
   */
  private boolean check(
      JsonNode node, JavaType type, String path, FieldErrors out, boolean top, List<Runnable> rm) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return true;
    }
    Class<?> raw = type.getRawClass();
    if (OPAQUE.contains(raw)) {
      return true;
    }
    if (raw == String.class) {
      return expect(node.isTextual(), node, path, "a string", out);
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return expect(node.isBoolean(), node, path, "true or false", out);
    }
    if (isInteger(raw)) {
      return expect(node.isIntegralNumber(), node, path, "an integer", out)
          && fits(node, raw == Long.class || raw == long.class, path, out);
    }
    if (raw == IntOrString.class || raw == Quantity.class) {
      boolean shaped =
          expect(
              node.isIntegralNumber() || node.isTextual(), node, path, "a number or string", out);
      return shaped
          && (!node.isIntegralNumber() || raw != IntOrString.class || fits(node, false, path, out));
    }
    if (type.isCollectionLikeType() || type.isArrayType()) {
      if (!expect(node.isArray(), node, path, "a list", out)) {
        return false;
      }
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        int index = i;
        if (array.get(i).isNull()) {
          // Kubernetes refuses a null item; binding would hand the rules a null to trip on.
          out.add(path + "[" + i + "]", "a list item may not be null (an empty one is {})");
          continue;
        }
        if (!check(array.get(i), type.getContentType(), path + "[" + i + "]", out, false, rm)) {
          // Null, not removed: the elements after it keep the indexes their errors name.
          rm.add(() -> array.set(index, NullNode.getInstance()));
        }
      }
      return true;
    }
    if (type.isMapLikeType()) {
      if (!expect(node.isObject(), node, path, "an object", out)) {
        return false;
      }
      ObjectNode object = (ObjectNode) node;
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        String key = e.getKey();
        if (!check(e.getValue(), type.getContentType(), join(path, key), out, false, rm)) {
          rm.add(() -> object.remove(key));
        }
      }
      return true;
    }
    if (type.isEnumType() || raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
      return expect(node.isValueNode(), node, path, "a value", out);
    }
    if (!expect(node.isObject(), node, path, "an object", out)) {
      return false;
    }
    checkFields((ObjectNode) node, type, path, out, top, rm);
    return true;
  }

  private void checkFields(
      ObjectNode node,
      JavaType type,
      String path,
      FieldErrors out,
      boolean top,
      List<Runnable> rm) {
    Map<String, JavaType> known = propertiesOf(type);
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey();
      if (top && SKIPPED.contains(name)) {
        continue;
      }
      JavaType fieldType = known.get(name);
      if (fieldType == null) {
        out.add(
            join(path, name), "unknown field " + Quote.of(name) + suggestion(name, known.keySet()));
        rm.add(() -> node.remove(name));
      } else if (!check(field.getValue(), fieldType, join(path, name), out, false, rm)) {
        rm.add(() -> node.remove(name));
      }
    }
  }

  private Map<String, JavaType> propertiesOf(JavaType type) {
    return properties.computeIfAbsent(
        type,
        t -> {
          BeanDescription bean = mapper.getDeserializationConfig().introspect(t);
          Map<String, JavaType> out = new HashMap<>();
          for (BeanPropertyDefinition p : bean.findProperties()) {
            if (p.couldDeserialize()) {
              out.put(p.getName(), p.getPrimaryType());
            }
          }
          return out;
        });
  }

  /** A hint for a near miss: a typo of one letter, or the wrong case. */
  private static String suggestion(String name, Collection<String> known) {
    for (String k : known) {
      if (k.equalsIgnoreCase(name) || EditDistance.atMostOne(k, name)) {
        return " (did you mean " + Quote.of(k) + "?)";
      }
    }
    return "";
  }

  private static boolean expect(
      boolean ok, JsonNode node, String path, String what, FieldErrors out) {
    if (!ok) {
      out.add(path, "expected " + what + ", got " + describe(node));
    }
    return ok;
  }

  /** An integer that binding would refuse with Java's words, refused here with the field's. */
  private static boolean fits(JsonNode node, boolean isLong, String path, FieldErrors out) {
    if (isLong ? node.canConvertToLong() : node.canConvertToInt()) {
      return true;
    }
    String field = path.substring(path.lastIndexOf('.') + 1);
    String words =
        TOO_LARGE.getOrDefault(
            field,
            "is out of range (at most " + (isLong ? Long.MAX_VALUE : Integer.MAX_VALUE) + ")");
    out.add(path, node.asText() + " " + words);
    return false;
  }

  private static String describe(JsonNode node) {
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.isTextual() ? Quote.of(node.asText()) : node.asText();
  }

  private static boolean isInteger(Class<?> raw) {
    return raw == Integer.class
        || raw == int.class
        || raw == Long.class
        || raw == long.class
        || raw == Short.class
        || raw == short.class;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
