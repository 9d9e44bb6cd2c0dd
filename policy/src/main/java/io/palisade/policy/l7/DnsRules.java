package io.palisade.policy.l7;

import io.palisade.crds.api.FQDNSelector;
import java.util.List;
import java.util.Optional;

/**
 * Matches a DNS name against Cilium's DNS rules: {@code matchName} exactly, {@code matchPattern} as
 * Cilium's {@code matchpattern.ToAnchoredRegexp} builds it. Both ignore case and the trailing dot.
 * In a pattern, {@code *} is zero or more name characters within one label, a leading {@code **.}
 * one or more whole labels, and a pattern of stars alone ({@code *}, {@code **.}) every name.
 */
final class DnsRules {

  private static final String LABEL_CHARS = "[-a-zA-Z0-9_]";

  private DnsRules() {}

  static List<String> misses(FQDNSelector rule, DnsQuery query) {
    String name = query.canonicalName();
    if (rule.matchName() != null && !rule.matchName().isEmpty()) {
      return DnsQuery.canonical(rule.matchName()).equals(name)
          ? List.of()
          : List.of("matchName " + rule.matchName() + " is not " + query.name());
    }
    if (rule.matchPattern() != null && !rule.matchPattern().isEmpty()) {
      Optional<Boolean> hit = Re2.fullMatch(regex(rule.matchPattern()), name);
      return hit.orElse(false)
          ? List.of()
          : List.of("matchPattern " + rule.matchPattern() + " does not match " + query.name());
    }
    return List.of("the rule has neither matchName nor matchPattern");
  }

  /** Cilium's anchored regex of a pattern, over lower-case fully qualified names. */
  static String regex(String pattern) {
    String p = pattern.trim().toLowerCase(java.util.Locale.ROOT);
    if (isWildcard(p)) {
      return "(" + LABEL_CHARS + "+[.])+|[.]";
    }
    p = p.endsWith(".") ? p : p + ".";
    StringBuilder b = new StringBuilder();
    int start = 0;
    int stars = 0;
    while (stars < p.length() && p.charAt(stars) == '*') {
      stars++;
    }
    if (stars >= 2 && stars < p.length() && p.charAt(stars) == '.') {
      b.append('(').append(LABEL_CHARS).append("+([.]").append(LABEL_CHARS).append("+)*)[.]");
      start = stars + 1;
    }
    for (int i = start; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '.') {
        b.append("[.]");
      } else if (c == '*') {
        while (i + 1 < p.length() && p.charAt(i + 1) == '*') {
          i++;
        }
        b.append(LABEL_CHARS).append('*');
      } else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
        b.append(c);
      } else {
        b.append(com.google.re2j.Pattern.quote(String.valueOf(c)));
      }
    }
    return b.toString();
  }

  /** Stars alone, with or without one trailing dot. */
  private static boolean isWildcard(String p) {
    String s = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
    return !s.isEmpty() && s.chars().allMatch(c -> c == '*');
  }
}
