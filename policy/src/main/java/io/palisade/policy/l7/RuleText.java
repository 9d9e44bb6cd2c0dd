package io.palisade.policy.l7;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.PortRuleKafka;
import java.util.ArrayList;
import java.util.List;

/** An L7 rule as a policy writes it, for people: {@code {method: "POST", path: "/x"}}. */
public final class RuleText {

  private RuleText() {}

  public static String of(Object rule) {
    List<String> f = new ArrayList<>();
    switch (rule) {
      case PortRuleHTTP h -> {
        field(f, "method", h.method());
        field(f, "path", h.path());
        field(f, "host", h.host());
        if (h.headers() != null && !h.headers().isEmpty()) {
          f.add(
              "headers: ["
                  + String.join(", ", h.headers().stream().map(RuleText::q).toList())
                  + "]");
        }
        if (h.headerMatches() != null && !h.headerMatches().isEmpty()) {
          f.add(
              "headerMatches: ["
                  + String.join(", ", h.headerMatches().stream().map(RuleText::header).toList())
                  + "]");
        }
      }
      case PortRuleKafka k -> {
        field(f, "role", k.role());
        field(f, "apiKey", k.apiKey());
        field(f, "apiVersion", k.apiVersion());
        field(f, "clientID", k.clientID());
        field(f, "topic", k.topic());
      }
      case FQDNSelector s -> {
        field(f, "matchName", s.matchName());
        field(f, "matchPattern", s.matchPattern());
      }
      default -> f.add(String.valueOf(rule));
    }
    return "{" + String.join(", ", f) + "}";
  }

  /** {@code http}, {@code kafka} or {@code dns}: the key of the rule list in a policy. */
  public static String kind(Object rule) {
    return switch (rule) {
      case PortRuleHTTP h -> "http";
      case PortRuleKafka k -> "kafka";
      case FQDNSelector s -> "dns";
      default -> rule.getClass().getSimpleName();
    };
  }

  private static String header(HeaderMatch m) {
    List<String> f = new ArrayList<>();
    field(f, "name", m.name());
    field(f, "value", m.value());
    field(f, "mismatch", m.mismatch());
    if (m.secret() != null) {
      f.add("secret: " + m.secret().namespace() + "/" + m.secret().name());
    }
    return "{" + String.join(", ", f) + "}";
  }

  private static void field(List<String> f, String name, String value) {
    if (value != null && !value.isEmpty()) {
      f.add(name + ": " + q(value));
    }
  }

  private static String q(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
