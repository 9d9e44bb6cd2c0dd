package io.palisade.gitops;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semver constraint in the syntax Flux's {@code spec.ref.semver} takes: comparators ({@code =},
 * {@code !=}, {@code >}, {@code >=}, {@code <}, {@code <=}, {@code ~}, {@code ^}) and x-ranges
 * ({@code 1.2.x}, {@code 1.*}, {@code *}) joined by spaces or commas (all must hold), with {@code
 * ||} between alternatives. Pre-releases match only a comparator that names a pre-release of the
 * same major.minor.patch, as in npm and Masterminds/semver.
 */
public final class SemVerRange implements Predicate<SemVer> {

  private static final Pattern COMPARATOR =
      Pattern.compile(
          "(=|!=|>=|<=|>|<|~>?|\\^)?\\s*v?(\\d+|[xX*])(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?"
              + "(?:-([0-9A-Za-z.-]+))?(?:\\+[0-9A-Za-z.-]+)?");

  /** One comparator: version bounds plus the release whose pre-releases it admits, if any. */
  private record Bound(Predicate<SemVer> test, SemVer preReleaseOf) {}

  private final String text;
  private final List<List<Bound>> alternatives;

  private SemVerRange(String text, List<List<Bound>> alternatives) {
    this.text = text;
    this.alternatives = alternatives;
  }

  /**
   * Parses a range; an {@link IllegalArgumentException} says what is wrong with it.
   *
   * @throws IllegalArgumentException when the range is empty or a comparator is not understood
   */
  public static SemVerRange parse(String range) {
    if (range == null || range.isBlank()) {
      throw new IllegalArgumentException("is empty");
    }
    List<List<Bound>> alternatives = new ArrayList<>();
    for (String alternative : range.split("\\|\\|", -1)) {
      List<Bound> all = new ArrayList<>();
      String normalized = alternative.trim().replaceAll("(=|!=|>=|<=|>|<|~>?|\\^)\\s+", "$1");
      for (String token : normalized.split("[\\s,]+")) {
        if (!token.isEmpty()) {
          all.add(comparator(token));
        }
      }
      if (all.isEmpty()) {
        throw new IllegalArgumentException("has an empty alternative around '||'");
      }
      alternatives.add(List.copyOf(all));
    }
    return new SemVerRange(range, List.copyOf(alternatives));
  }

  @Override
  public boolean test(SemVer v) {
    return alternatives.stream().anyMatch(all -> matchesAll(all, v));
  }

  private static boolean matchesAll(List<Bound> all, SemVer v) {
    if (!all.stream().allMatch(b -> b.test().test(v))) {
      return false;
    }
    return !v.isPreRelease() || all.stream().anyMatch(b -> v.release().equals(b.preReleaseOf()));
  }

  private static Bound comparator(String token) {
    Matcher m = COMPARATOR.matcher(token);
    if (!m.matches()) {
      throw new IllegalArgumentException("has '" + token + "', which is not a version comparator");
    }
    String op = m.group(1) == null ? "=" : m.group(1);
    int given = wildcardAt(m);
    BigInteger[] p = new BigInteger[3];
    for (int i = 0; i < 3; i++) {
      p[i] = i < given ? new BigInteger(m.group(i + 2)) : BigInteger.ZERO;
    }
    List<String> pre = m.group(5) == null ? List.of() : List.of(m.group(5).split("\\."));
    if (!pre.isEmpty() && given < 3) {
      throw new IllegalArgumentException(
          "has '" + token + "': a pre-release needs major.minor.patch");
    }
    SemVer low = new SemVer(p[0], p[1], p[2], pre, "");
    SemVer preOf = pre.isEmpty() ? null : low.release();
    return new Bound(bounds(op, low, given, token), preOf);
  }

  /** How many leading parts are numbers before the first wildcard or missing part. */
  private static int wildcardAt(Matcher m) {
    for (int i = 0; i < 3; i++) {
      String part = m.group(i + 2);
      if (part == null || part.equalsIgnoreCase("x") || part.equals("*")) {
        for (int j = i + 1; j < 3; j++) {
          String later = m.group(j + 2);
          if (later != null && !later.equalsIgnoreCase("x") && !later.equals("*")) {
            throw new IllegalArgumentException(
                "has a number after a wildcard in '" + m.group() + "'");
          }
        }
        return i;
      }
    }
    return 3;
  }

  private static Predicate<SemVer> bounds(String op, SemVer low, int given, String token) {
    SemVer next = bump(low, Math.max(given - 1, -1)); // upper bound of an x-range
    return switch (op) {
      case "=" -> given == 3 ? v -> v.compareTo(low) == 0 : v -> within(v, low, next, given);
      case "!=" -> given == 3 ? v -> v.compareTo(low) != 0 : v -> !within(v, low, next, given);
      case ">" -> given == 3 ? v -> v.compareTo(low) > 0 : v -> given > 0 && v.compareTo(next) >= 0;
      case ">=" -> v -> v.compareTo(low) >= 0;
      case "<" -> v -> v.compareTo(low) < 0;
      case "<=" -> given == 3 ? v -> v.compareTo(low) <= 0 : v -> v.compareTo(next) < 0;
      case "~", "~>" -> {
        SemVer upper = bump(low, given >= 2 ? 1 : 0);
        yield v -> v.compareTo(low) >= 0 && v.compareTo(upper) < 0;
      }
      case "^" -> {
        SemVer upper = bump(low, caretPart(low, given));
        yield v -> v.compareTo(low) >= 0 && v.compareTo(upper) < 0;
      }
      default -> throw new IllegalArgumentException("has an unknown operator in '" + token + "'");
    };
  }

  private static boolean within(SemVer v, SemVer low, SemVer next, int given) {
    return given == 0 || (v.compareTo(low) >= 0 && v.compareTo(next) < 0);
  }

  /** ^1.2.3 keeps the major, ^0.2.3 the minor, ^0.0.3 the patch. */
  private static int caretPart(SemVer low, int given) {
    if (low.major().signum() > 0 || given <= 1) return 0;
    if (low.minor().signum() > 0 || given == 2) return 1;
    return 2;
  }

  /** The lowest release above every version sharing {@code v}'s parts up to {@code part}. */
  private static SemVer bump(SemVer v, int part) {
    return switch (part) {
      case -1 ->
          new SemVer(
              BigInteger.valueOf(Long.MAX_VALUE), BigInteger.ZERO, BigInteger.ZERO, List.of(), "");
      case 0 ->
          new SemVer(
              v.major().add(BigInteger.ONE), BigInteger.ZERO, BigInteger.ZERO, List.of(), "");
      case 1 ->
          new SemVer(v.major(), v.minor().add(BigInteger.ONE), BigInteger.ZERO, List.of(), "");
      default -> new SemVer(v.major(), v.minor(), v.patch().add(BigInteger.ONE), List.of(), "");
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
