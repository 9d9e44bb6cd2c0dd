package io.palisade.policy.l7;

import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.PortRuleHTTP;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Matches an HTTP request against one Cilium HTTP rule, as the proxy enforces it: {@code method},
 * {@code path} and {@code host} are RE2 full matches of {@code :method}, {@code :path} and {@code
 * :authority}; a {@code headers} entry {@code "Name"} asks for the header, {@code "Name value"} (or
 * {@code "Name: value"}) for that exact value; a {@code headerMatches} entry for its exact value,
 * or presence without one. Every field set must match.
 */
final class HttpRules {

  private HttpRules() {}

  /** Each reason the rule does not admit the request; empty when it does. */
  static List<String> misses(PortRuleHTTP rule, HttpRequest request) {
    List<String> out = new ArrayList<>();
    regex("method", rule.method(), Optional.of(request.method()), out);
    regex("path", rule.path(), Optional.of(request.path()), out);
    regex("host", rule.host(), request.host(), out);
    for (String h : rule.headers() == null ? List.<String>of() : rule.headers()) {
      String[] parts = h.split(" ", 2);
      String name =
          parts[0].endsWith(":") ? parts[0].substring(0, parts[0].length() - 1) : parts[0];
      header(name, parts.length == 2 ? Optional.of(parts[1]) : Optional.empty(), request, out);
    }
    List<HeaderMatch> matches = rule.headerMatches() == null ? List.of() : rule.headerMatches();
    for (int i = 0; i < matches.size(); i++) {
      HeaderMatch m = matches.get(i);
      if (m.mismatch() != null && !m.mismatch().isEmpty()) {
        out.add(
            "headerMatches["
                + i
                + "] has mismatch "
                + m.mismatch()
                + ", which Palisade's proxy does not enforce: the rule admits nothing");
      } else if (m.secret() != null) {
        out.add(
            "headerMatches["
                + i
                + "] takes its value from Secret "
                + m.secret().namespace()
                + "/"
                + m.secret().name()
                + ", which is not served to the proxy: the rule admits nothing");
      } else {
        header(m.name(), Optional.ofNullable(m.value()), request, out);
      }
    }
    return out;
  }

  private static void regex(String field, String regex, Optional<String> value, List<String> out) {
    if (regex == null || regex.isEmpty()) {
      return;
    }
    if (value.isEmpty()) {
      out.add(field + ": the request has none, the rule asks for \"" + regex + "\"");
      return;
    }
    Optional<Boolean> hit = Re2.fullMatch(regex, value.get());
    if (hit.isEmpty()) {
      out.add(field + " \"" + regex + "\" is not a valid RE2 regular expression");
    } else if (!hit.get()) {
      out.add(field + " \"" + value.get() + "\" does not match \"" + regex + "\"");
    }
  }

  private static void header(
      String name, Optional<String> value, HttpRequest request, List<String> out) {
    List<String> values = request.values(name);
    if (values.isEmpty()) {
      out.add("header " + name + " is missing");
    } else if (value.isPresent() && !values.contains(value.get())) {
      out.add(
          "header "
              + name
              + " is \""
              + String.join("\", \"", values)
              + "\", not \""
              + value.get()
              + "\"");
    }
  }
}
