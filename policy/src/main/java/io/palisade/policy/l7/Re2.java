package io.palisade.policy.l7;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Optional;

/**
 * RE2 full-string matching, the semantics of Envoy's {@code safe_regex} and of Go's regexp that
 * Cilium validates rules with; java.util.regex would accept backreferences and lookaround that
 * neither knows. The one place an L7 matcher compiles a regex, so a cache can go here.
 */
final class Re2 {

  private Re2() {}

  /** Whether {@code regex} matches all of {@code input}; empty when it is not RE2. */
  static Optional<Boolean> fullMatch(String regex, String input) {
    try {
      return Optional.of(Pattern.compile(regex).matches(input));
    } catch (PatternSyntaxException e) {
      return Optional.empty();
    }
  }
}
