package io.palisade.policy.fqdn;

import com.google.re2j.Pattern;
import io.palisade.crds.api.FQDNSelector;
import java.util.Locale;

/**
 * One home of Cilium's DNS name matching, shared by {@code rules.dns}, {@code toFQDNs}, {@code
 * trace --dns} and the node's DNS proxy: {@code matchName} exactly, {@code matchPattern} as
 * Cilium's {@code matchpattern.ToAnchoredRegexp} builds it. Both ignore case and the trailing dot.
 * In a pattern, {@code *} is zero or more name characters within one label, a leading {@code **.}
 * one or more whole labels, and a pattern of stars alone ({@code *}, {@code **.}) every name.
 * Immutable and thread-safe: the regex is compiled once.
 */
public final class FqdnMatcher {

  private static final String LABEL_CHARS = "[-a-zA-Z0-9_]";

  private final FQDNSelector selector;
  private final String name;
  private final Pattern pattern;

  private FqdnMatcher(FQDNSelector selector) {
    this.selector = selector;
    boolean byName = selector.matchName() != null && !selector.matchName().isEmpty();
    boolean byPattern = selector.matchPattern() != null && !selector.matchPattern().isEmpty();
    if (!byName && !byPattern) {
      throw new IllegalArgumentException("the selector has neither matchName nor matchPattern");
    }
    this.name = byName ? canonical(selector.matchName()) : null;
    this.pattern = byName ? null : Pattern.compile(regex(selector.matchPattern()));
  }

  /** The matcher of a selector; throws when it has neither matchName nor matchPattern. */
  public static FqdnMatcher of(FQDNSelector selector) {
    return new FqdnMatcher(selector);
  }

  public FQDNSelector selector() {
    return selector;
  }

  /** Whether {@code dnsName} (any case, with or without the trailing dot) is selected. */
  public boolean matches(String dnsName) {
    String n = canonical(dnsName);
    return name != null ? name.equals(n) : pattern.matches(n);
  }

  /**
   * The selector as one label key, the same for equal selectors whatever their case or trailing
   * dot: {@code matchName=www.example.com.} or {@code matchPattern=*.example.com.}.
   */
  public String key() {
    return key(selector);
  }

  /** As {@link #key()}, without compiling anything. */
  public static String key(FQDNSelector s) {
    return s.matchName() != null && !s.matchName().isEmpty()
        ? "matchName=" + canonical(s.matchName())
        : "matchPattern=" + canonical(s.matchPattern());
  }

  /** The selector a {@link #key} stands for. */
  public static FQDNSelector fromKey(String key) {
    if (key.startsWith("matchName=")) {
      return new FQDNSelector(key.substring("matchName=".length()), null);
    }
    if (key.startsWith("matchPattern=")) {
      return new FQDNSelector(null, key.substring("matchPattern=".length()));
    }
    throw new IllegalArgumentException(
        "\"" + key + "\" is not an FQDN selector key (matchName=... or matchPattern=...)");
  }

  /** A name as DNS rules compare it: lower case, fully qualified (with the trailing dot). */
  public static String canonical(String name) {
    String lower = name.trim().toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower : lower + ".";
  }

  /** Cilium's anchored regex of a pattern, over lower-case fully qualified names. */
  public static String regex(String pattern) {
    String p = pattern.trim().toLowerCase(Locale.ROOT);
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
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return b.toString();
  }

  /** Stars alone, with or without one trailing dot. */
  private static boolean isWildcard(String p) {
    String s = p.endsWith(".") ? p.substring(0, p.length() - 1) : p;
    return !s.isEmpty() && s.chars().allMatch(c -> c == '*');
  }

  @Override
  public String toString() {
    return key();
  }
}
