package io.palisade.policy.mapstate;

import java.util.Optional;

/** What the datapath does with traffic that a key matches: allow, deny, or redirect to a proxy. */
public record MapStateEntry(Verdict verdict, Optional<L7Policy> l7) {

  public static final MapStateEntry ALLOW = new MapStateEntry(Verdict.ALLOW, Optional.empty());
  public static final MapStateEntry DENY = new MapStateEntry(Verdict.DENY, Optional.empty());

  public MapStateEntry {
    if ((verdict == Verdict.REDIRECT) != l7.isPresent()) {
      throw new IllegalArgumentException("a redirect, and only a redirect, carries L7 rules");
    }
  }

  public static MapStateEntry redirect(L7Policy l7) {
    return new MapStateEntry(Verdict.REDIRECT, Optional.of(l7));
  }

  /**
   * Both entries on the same key: deny wins; a redirect absorbs an allow as an L7 wildcard (the
   * allow asked for no L7 restriction); two redirects take the union of their rules.
   */
  public MapStateEntry merge(MapStateEntry other) {
    if (verdict == Verdict.DENY || other.verdict == Verdict.DENY) {
      return DENY;
    }
    if (verdict == Verdict.ALLOW && other.verdict == Verdict.ALLOW) {
      return ALLOW;
    }
    if (verdict == Verdict.ALLOW) {
      return other.merge(this);
    }
    L7Policy mine = l7.orElseThrow();
    if (other.verdict == Verdict.ALLOW) {
      L7Policy wildcard = mine.withWildcard();
      return wildcard == mine ? this : redirect(wildcard);
    }
    L7Policy theirs = other.l7.orElseThrow();
    if (mine == theirs) {
      return this;
    }
    if (mine.parser() != theirs.parser()) {
      // Conflicting parsers are reported by validation; keep a deterministic, safe choice.
      return mine.parser().ordinal() <= theirs.parser().ordinal() ? this : other;
    }
    return redirect(mine.union(theirs));
  }

  /** The proxy listener port of a redirect, 0 otherwise. */
  public int proxyPort(io.palisade.policy.Direction direction) {
    return l7.map(p -> p.parser().proxyPort(direction)).orElse(0);
  }
}
