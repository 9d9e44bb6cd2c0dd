package io.palisade.cli;

import io.palisade.policy.flow.L7Outcome;
import io.palisade.policy.flow.L7RuleTrace;
import io.palisade.policy.flow.L7SideTrace;
import io.palisade.policy.flow.L7Trace;
import io.palisade.policy.l7.RuleText;
import io.palisade.policy.rules.RuleOrigin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The L7 part of a trace: the request, what the proxies decide, and the rules behind it. */
final class L7Report {

  private L7Report() {}

  static void text(StringBuilder sb, L7Trace t) {
    sb.append("request: ")
        .append(t.request().parser())
        .append(' ')
        .append(t.request().describe())
        .append('\n');
    sb.append("L7: ").append(t.outcome()).append(" (").append(t.reason()).append(")\n");
    for (L7SideTrace s : t.sides()) {
      String where =
          s.direction().lowerName() + " of " + s.endpoint() + ", " + s.parser() + " proxy";
      if (s.allowed()) {
        for (L7RuleTrace r : s.matched()) {
          sb.append("  ").append(where).append(": allowed by ").append(describe(r)).append('\n');
        }
        continue;
      }
      sb.append("  ")
          .append(where)
          .append(s.rules().isEmpty() ? ": no rule to try\n" : ": tried\n");
      for (L7RuleTrace r : s.rules()) {
        sb.append("    ")
            .append(describe(r))
            .append(": ")
            .append(String.join("; ", r.result().reasons()))
            .append('\n');
      }
    }
  }

  private static String describe(L7RuleTrace r) {
    return r.allowsEveryRequest()
        ? r.where() + " (an allow without L7 rules admits every request)"
        : r.where() + " " + RuleText.of(r.result().rule());
  }

  static Map<String, Object> document(L7Trace t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("protocol", t.request().parser().name());
    out.put("request", t.request().describe());
    out.put("verdict", t.outcome().name());
    out.put("allowed", t.outcome() == L7Outcome.ALLOWED || t.outcome() == L7Outcome.NOT_REDIRECTED);
    out.put("reason", t.reason());
    List<Map<String, Object>> sides = new ArrayList<>();
    for (L7SideTrace s : t.sides()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("direction", s.direction().lowerName());
      m.put("endpoint", s.endpoint().name());
      m.put("proxy", s.parser().name());
      m.put("allowed", s.allowed());
      List<Map<String, Object>> rules = new ArrayList<>();
      for (L7RuleTrace r : s.rules()) {
        Map<String, Object> rule = new LinkedHashMap<>();
        RuleOrigin o = r.origin();
        rule.put("kind", o.kind());
        rule.put("namespace", o.namespace());
        rule.put("name", o.name());
        rule.put("rule", r.sectionPath());
        rule.put("l7Rule", r.l7Path().orElse(null));
        rule.put("l7Index", r.l7Index().orElse(null));
        rule.put(
            "match",
            r.allowsEveryRequest()
                ? "every request (no L7 rules)"
                : RuleText.of(r.result().rule()));
        rule.put("matched", r.result().matched());
        rule.put("reasons", r.result().reasons());
        rules.add(rule);
      }
      m.put("rules", rules);
      sides.add(m);
    }
    out.put("sides", sides);
    return out;
  }
}
