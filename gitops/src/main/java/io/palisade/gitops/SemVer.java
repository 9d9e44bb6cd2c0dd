package io.palisade.gitops;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version read from a tag name ({@code v1.2.3}, {@code 1.2.3-rc.1}), ordered by the
 * SemVer 2.0 precedence rules; build metadata is kept but does not order.
 */
public record SemVer(
    BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease, String build)
    implements Comparable<SemVer> {

  private static final Pattern FORM =
      Pattern.compile(
          "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?");

  public SemVer {
    preRelease = List.copyOf(preRelease);
  }

  /** The version a tag names, or empty when the tag is not a version. */
  public static Optional<SemVer> parse(String tag) {
    Matcher m = FORM.matcher(tag);
    if (!m.matches()) {
      return Optional.empty();
    }
    List<String> pre = m.group(4) == null ? List.of() : List.of(m.group(4).split("\\."));
    for (String id : pre) {
      if (id.length() > 1 && id.startsWith("0") && id.chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
    }
    return Optional.of(
        new SemVer(
            new BigInteger(m.group(1)),
            new BigInteger(m.group(2)),
            new BigInteger(m.group(3)),
            pre,
            m.group(5) == null ? "" : m.group(5)));
  }

  public static SemVer of(long major, long minor, long patch) {
    return new SemVer(
        BigInteger.valueOf(major),
        BigInteger.valueOf(minor),
        BigInteger.valueOf(patch),
        List.of(),
        "");
  }

  public boolean isPreRelease() {
    return !preRelease.isEmpty();
  }

  /** The same major.minor.patch without pre-release or build. */
  public SemVer release() {
    return new SemVer(major, minor, patch, List.of(), "");
  }

  @Override
  public int compareTo(SemVer o) {
    int c = major.compareTo(o.major);
    if (c == 0) c = minor.compareTo(o.minor);
    if (c == 0) c = patch.compareTo(o.patch);
    return c != 0 ? c : comparePre(preRelease, o.preRelease);
  }

  private static int comparePre(List<String> a, List<String> b) {
    if (a.isEmpty() || b.isEmpty()) {
      return Boolean.compare(a.isEmpty(), b.isEmpty()); // a release ranks above its pre-releases
    }
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compareIdentifier(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareIdentifier(String a, String b) {
    boolean an = a.chars().allMatch(Character::isDigit);
    boolean bn = b.chars().allMatch(Character::isDigit);
    if (an && bn) {
      return new BigInteger(a).compareTo(new BigInteger(b));
    }
    return an != bn ? (an ? -1 : 1) : a.compareTo(b);
  }

  @Override
  public String toString() {
    String s = major + "." + minor + "." + patch;
    if (!preRelease.isEmpty()) s += "-" + String.join(".", preRelease);
    return build.isEmpty() ? s : s + "+" + build;
  }
}
