package io.palisade.policy.validate;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.palisade.policy.parse.FieldError;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a JSON tree against the Java type it will bind to before it is bound, so that every
 * unknown field and every value of the wrong shape is reported at once, each at its path. A typo
 * such as {@code fromEndpoint} must be an error: binding leniently would silently drop the peer
 * list and widen the rule.
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

  /** Every field of {@code node} that {@code type} does not have, or has with another shape. */
  public List<FieldError> check(JsonNode node, Class<?> type) {
    FieldErrors errors = new FieldErrors();
    check(node, mapper.constructType(type), "", errors, true);
    return errors.list();
  }

  private void check(JsonNode node, JavaType type, String path, FieldErrors out, boolean top) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    Class<?> raw = type.getRawClass();
    if (OPAQUE.contains(raw)) {
      return;
    }
    if (raw == String.class) {
      expect(node.isTextual(), node, path, "a string", out);
    } else if (raw == Boolean.class || raw == boolean.class) {
      expect(node.isBoolean(), node, path, "true or false", out);
    } else if (isInteger(raw)) {
      if (expect(node.isIntegralNumber(), node, path, "an integer", out)) {
        fits(node, raw == Long.class || raw == long.class, path, out);
      }
    } else if (raw == IntOrString.class || raw == Quantity.class) {
      if (expect(node.isIntegralNumber() || node.isTextual(), node, path, "a number or string", out)
          && node.isIntegralNumber()
          && raw == IntOrString.class) {
        fits(node, false, path, out);
      }
    } else if (type.isCollectionLikeType() || type.isArrayType()) {
      if (expect(node.isArray(), node, path, "a list", out)) {
        for (int i = 0; i < node.size(); i++) {
          if (node.get(i).isNull()) {
            // Kubernetes refuses a null item; binding would hand the rules a null to trip on.
            out.add(path + "[" + i + "]", "a list item may not be null (an empty one is {})");
          } else {
            check(node.get(i), type.getContentType(), path + "[" + i + "]", out, false);
          }
        }
      }
    } else if (type.isMapLikeType()) {
      if (expect(node.isObject(), node, path, "an object", out)) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          check(e.getValue(), type.getContentType(), join(path, e.getKey()), out, false);
        }
      }
    } else if (type.isEnumType() || raw.isPrimitive() || Number.class.isAssignableFrom(raw)) {
      expect(node.isValueNode(), node, path, "a value", out);
    } else if (expect(node.isObject(), node, path, "an object", out)) {
      checkFields(node, type, path, out, top);
    }
  }

  private void checkFields(
      JsonNode node, JavaType type, String path, FieldErrors out, boolean top) {
    Map<String, JavaType> known = propertiesOf(type);
    Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (top && SKIPPED.contains(name)) {
        continue;
      }
      JavaType fieldType = known.get(name);
      if (fieldType == null) {
        out.add(
            join(path, name), "unknown field " + Quote.of(name) + suggestion(name, known.keySet()));
      } else {
        check(field.getValue(), fieldType, join(path, name), out, false);
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
  private static void fits(JsonNode node, boolean isLong, String path, FieldErrors out) {
    if (isLong ? node.canConvertToLong() : node.canConvertToInt()) {
      return;
    }
    String field = path.substring(path.lastIndexOf('.') + 1);
    String words =
        TOO_LARGE.getOrDefault(
            field,
            "is out of range (at most " + (isLong ? Long.MAX_VALUE : Integer.MAX_VALUE) + ")");
    out.add(path, node.asText() + " " + words);
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
