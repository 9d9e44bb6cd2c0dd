package io.palisade.policy.validate;

import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.LabelSelectorRequirement;
import io.palisade.policy.labels.Label;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates label selectors as Kubernetes does ({@code ValidateLabelSelector}), with Cilium's
 * addition that a key may carry a label source ({@code k8s:app}, {@code reserved:host}).
 */
public final class SelectorValidator {

  private static final Set<String> OPERATORS = Set.of("In", "NotIn", "Exists", "DoesNotExist");
  private static final Set<String> SOURCES =
      Set.of("k8s", "reserved", "cidr", "any", "unspec", "container", "cilium-generated", "fqdn");

  private SelectorValidator() {}

  public static void validate(LabelSelector selector, String path, FieldErrors out) {
    if (selector == null) {
      return;
    }
    Map<String, String> labels = selector.matchLabels();
    if (labels != null) {
      labels.forEach(
          (k, v) -> {
            String at = path + ".matchLabels." + k;
            key(k, at, out);
            value(v, at, out);
          });
    }
    List<LabelSelectorRequirement> expressions = selector.matchExpressions();
    if (expressions != null) {
      for (int i = 0; i < expressions.size(); i++) {
        requirement(expressions.get(i), path + ".matchExpressions[" + i + "]", out);
      }
    }
  }

  private static void requirement(LabelSelectorRequirement r, String path, FieldErrors out) {
    if (r == null) {
      out.add(path, "a requirement must name a key and an operator");
      return;
    }
    if (r.key() == null) {
      out.add(path + ".key", "must be set");
    } else {
      key(r.key(), path + ".key", out);
    }
    List<String> values = r.values() == null ? List.of() : r.values();
    if (r.operator() == null) {
      out.add(path + ".operator", "must be set");
    } else if (!OPERATORS.contains(r.operator())) {
      out.add(
          path + ".operator",
          Quote.of(r.operator()) + " is not a valid operator (In, NotIn, Exists, DoesNotExist)");
    } else if (r.operator().equals("In") || r.operator().equals("NotIn")) {
      if (values.isEmpty()) {
        out.add(path + ".values", "must be non-empty when operator is " + r.operator());
      }
    } else if (!values.isEmpty()) {
      out.add(path + ".values", "must be empty when operator is " + r.operator());
    }
    for (int i = 0; i < values.size(); i++) {
      value(values.get(i), path + ".values[" + i + "]", out);
    }
  }

  /** A label key: {@code [source:][prefix/]name}, the name at most 63 characters. */
  static void key(String key, String path, FieldErrors out) {
    String k = key.startsWith("$") ? key.substring(1) : key;
    int colon = k.indexOf(':');
    if (colon >= 0) {
      String source = k.substring(0, colon);
      if (source.equals(Label.IPBLOCK)) {
        // Palisade's own labels of ipBlock membership: selecting them would let a Cilium rule
        // pick pods by address, which Cilium's selectors never do.
        out.add(
            path,
            Quote.of(key)
                + " uses the label source \"ipblock\", which Palisade keeps for the pods inside"
                + " Kubernetes NetworkPolicy ipBlocks; select pods by their labels, or addresses"
                + " with toCIDR/toCIDRSet");
        return;
      }
      if (!SOURCES.contains(source)) {
        out.add(path, Quote.of(key) + " has an unknown label source " + Quote.of(source));
        return;
      }
      k = k.substring(colon + 1);
    }
    if (!KubernetesNames.isLabelKey(k)) {
      out.add(
          path,
          Quote.of(key) + " is not a valid label key (" + KubernetesNames.LABEL_KEY_RULE + ")");
    }
  }

  static void value(String value, String path, FieldErrors out) {
    if (value == null) {
      return;
    }
    if (!KubernetesNames.isLabelValue(value)) {
      out.add(
          path,
          Quote.of(value)
              + " is not a valid label value ("
              + KubernetesNames.LABEL_VALUE_RULE
              + ")");
    }
  }
}
