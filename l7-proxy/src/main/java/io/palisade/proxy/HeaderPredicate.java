package io.palisade.proxy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Envoy's {@code HeaderMatcher} as a predicate over a request: presence, or a string match (exact,
 * prefix, suffix, contains, or an RE2 regex that must match the whole value), optionally inverted.
 * A missing header matches nothing but an inverted presence test, as in Envoy.
 */
final class HeaderPredicate {

  /** As HttpRbac caps it: a longer pattern is the usual way past RE2's program size limit. */
  static final int MAX_REGEX_LENGTH = 1024;

  private HeaderPredicate() {}

  static Predicate<RequestFacts> of(HeaderMatcher m, String path, Problems problems) {
    if (m.getName().isEmpty()) {
      problems.add(path + ".name", "is empty");
    }
    if (m.getTreatMissingHeaderAsEmpty()) {
      problems.add(path + ".treat_missing_header_as_empty", "is not supported by this proxy");
    }
    String name = m.getName().toLowerCase(Locale.ROOT);
    Predicate<String> value =
        switch (m.getHeaderMatchSpecifierCase()) {
          case PRESENT_MATCH -> {
            boolean want = m.getPresentMatch();
            // present_match false matches a missing header; handled below with the null check.
            yield v -> want;
          }
          case STRING_MATCH -> string(m.getStringMatch(), path + ".string_match", problems);
          default -> {
            problems.add(
                path,
                "the header match "
                    + m.getHeaderMatchSpecifierCase()
                    + " is not enforced by this proxy (present_match and string_match are)");
            yield v -> false;
          }
        };
    boolean presentFalse =
        m.getHeaderMatchSpecifierCase() == HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH
            && !m.getPresentMatch();
    boolean invert = m.getInvertMatch();
    return r -> {
      String v = r.header(name);
      boolean matched = v == null ? presentFalse : value.test(v);
      return matched != invert;
    };
  }

  static Predicate<String> string(StringMatcher s, String path, Problems problems) {
    boolean ic = s.getIgnoreCase();
    return switch (s.getMatchPatternCase()) {
      case EXACT -> {
        String want = s.getExact();
        yield ic ? v -> v.equalsIgnoreCase(want) : v -> v.equals(want);
      }
      case PREFIX -> {
        String want = s.getPrefix();
        yield v -> v.regionMatches(ic, 0, want, 0, want.length());
      }
      case SUFFIX -> {
        String want = s.getSuffix();
        yield v -> v.regionMatches(ic, v.length() - want.length(), want, 0, want.length());
      }
      case CONTAINS -> {
        String want = ic ? s.getContains().toLowerCase(Locale.ROOT) : s.getContains();
        yield ic ? v -> v.toLowerCase(Locale.ROOT).contains(want) : v -> v.contains(want);
      }
      case SAFE_REGEX -> {
        Pattern p = regex(s.getSafeRegex().getRegex(), path + ".safe_regex.regex", problems);
        yield p == null ? v -> false : v -> p.matches(v);
      }
      default -> {
        problems.add(path, "the string match " + s.getMatchPatternCase() + " is not supported");
        yield v -> false;
      }
    };
  }

  private static Pattern regex(String regex, String path, Problems problems) {
    if (regex.length() > MAX_REGEX_LENGTH) {
      problems.add(
          path,
          "a regular expression of " + regex.length() + " characters; at most " + MAX_REGEX_LENGTH);
      return null;
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      problems.add(
          path, "\"" + regex + "\" is not a valid RE2 regular expression: " + e.getDescription());
      return null;
    }
  }
}
