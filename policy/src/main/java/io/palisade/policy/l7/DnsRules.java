package io.palisade.policy.l7;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.policy.fqdn.FqdnMatcher;
import java.util.List;

/** Why a DNS rule does not admit a query; the matching itself is {@link FqdnMatcher}'s. */
final class DnsRules {

  private DnsRules() {}

  static List<String> misses(FQDNSelector rule, DnsQuery query) {
    FqdnMatcher m;
    try {
      m = FqdnMatcher.of(rule);
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    } catch (com.google.re2j.PatternSyntaxException e) {
      return List.of("matchPattern " + rule.matchPattern() + " is not a valid pattern");
    }
    if (m.matches(query.name())) {
      return List.of();
    }
    return rule.matchName() != null && !rule.matchName().isEmpty()
        ? List.of("matchName " + rule.matchName() + " is not " + query.name())
        : List.of("matchPattern " + rule.matchPattern() + " does not match " + query.name());
  }

  /** Cilium's anchored regex of a pattern (kept for the tests that pin it). */
  static String regex(String pattern) {
    return FqdnMatcher.regex(pattern);
  }
}
