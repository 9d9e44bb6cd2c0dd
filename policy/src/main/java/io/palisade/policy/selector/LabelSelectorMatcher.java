package io.palisade.policy.selector;

import com.google.common.collect.ImmutableSortedSet;
import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import io.palisade.crds.api.LabelSelector;
import io.palisade.crds.api.LabelSelectorRequirement;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A compiled label selector: every requirement must hold. No requirements selects every identity
 * (Cilium's wildcard {@code {}}).
 */
public record LabelSelectorMatcher(SortedSet<Requirement> requirements)
    implements IdentitySelector {

  // Policies repeat the same terms and selectors thousands of times (every policy of a namespace
  // injects its namespace term; Cilium's 1,000-node shape has 30,000 policies): the terms and the
  // sorted sets of them are shared, one instance per distinct value.
  private static final Interner<Requirement> TERMS = Interners.newWeakInterner();
  private static final Interner<SortedSet<Requirement>> SETS = Interners.newWeakInterner();

  public LabelSelectorMatcher {
    TreeSet<Requirement> shared = new TreeSet<>();
    for (Requirement r : requirements) {
      shared.add(TERMS.intern(r));
    }
    // Immutable and array-backed, so that matches and hashCode walk it by index: a tree set's
    // iterators were a tenth of what a full resolution allocated.
    requirements = SETS.intern(ImmutableSortedSet.copyOfSorted(shared));
  }

  private List<Requirement> terms() {
    return ((ImmutableSortedSet<Requirement>) requirements).asList();
  }

  // Hashed by every lookup of a selector's rules; the set's own hashCode walks an iterator.
  @Override
  public int hashCode() {
    List<Requirement> terms = terms();
    int h = 0;
    for (int i = 0; i < terms.size(); i++) {
      h += terms.get(i).hashCode();
    }
    return h;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof LabelSelectorMatcher other && requirements.equals(other.requirements));
  }

  /** Compiles a validated selector; keys without a source get {@code any:}. */
  public static LabelSelectorMatcher compile(LabelSelector selector) {
    List<Requirement> reqs = new ArrayList<>();
    if (selector.matchLabels() != null) {
      for (Map.Entry<String, String> e : selector.matchLabels().entrySet()) {
        reqs.add(
            new Requirement(
                Label.ofSelectorKey(e.getKey(), ""),
                Requirement.Operator.IN,
                new TreeSet<>(List.of(e.getValue() == null ? "" : e.getValue()))));
      }
    }
    if (selector.matchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.matchExpressions()) {
        reqs.add(
            new Requirement(
                Label.ofSelectorKey(r.key(), ""),
                operator(r.operator()),
                new TreeSet<>(r.values() == null ? List.of() : r.values())));
      }
    }
    return new LabelSelectorMatcher(new TreeSet<>(reqs));
  }

  private static Requirement.Operator operator(String op) {
    return switch (op) {
      case "In" -> Requirement.Operator.IN;
      case "NotIn" -> Requirement.Operator.NOT_IN;
      case "Exists" -> Requirement.Operator.EXISTS;
      case "DoesNotExist" -> Requirement.Operator.DOES_NOT_EXIST;
      default -> throw new IllegalArgumentException("unknown selector operator " + op);
    };
  }

  public static LabelSelectorMatcher of(Collection<Requirement> requirements) {
    return new LabelSelectorMatcher(new TreeSet<>(requirements));
  }

  public static LabelSelectorMatcher matchingLabel(Label label) {
    return of(
        List.of(
            new Requirement(
                label, Requirement.Operator.IN, new TreeSet<>(List.of(label.value())))));
  }

  /** This selector with one more requirement ANDed in. */
  public LabelSelectorMatcher and(Requirement extra) {
    TreeSet<Requirement> all = new TreeSet<>(requirements);
    all.add(extra);
    return new LabelSelectorMatcher(all);
  }

  /** Whether any requirement names {@code key} (any source) with a source in {@code sources}. */
  public boolean hasKey(String key, Collection<String> sources) {
    for (Requirement r : requirements) {
      if (r.key().key().equals(key) && sources.contains(r.key().source())) {
        return true;
      }
    }
    return false;
  }

  public boolean hasKeyWithPrefix(String prefix, Collection<String> sources) {
    for (Requirement r : requirements) {
      if (r.key().key().startsWith(prefix) && sources.contains(r.key().source())) {
        return true;
      }
    }
    return false;
  }

  public boolean hasSource(String source) {
    for (Requirement r : requirements) {
      if (r.key().source().equals(source)) {
        return true;
      }
    }
    return false;
  }

  public boolean matches(Labels labels) {
    List<Requirement> terms = terms();
    for (int i = 0; i < terms.size(); i++) {
      if (!terms.get(i).matches(labels)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean selects(Identity identity) {
    return matches(identity.labels());
  }

  @Override
  public boolean isWildcard() {
    return requirements.isEmpty();
  }

  @Override
  public String toString() {
    return requirements.isEmpty() ? "{}" : requirements.toString();
  }
}
