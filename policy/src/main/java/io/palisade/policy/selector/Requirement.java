package io.palisade.policy.selector;

import com.google.common.collect.ImmutableSortedSet;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** One term of a label selector, over a source-qualified key. */
public record Requirement(Label key, Operator operator, SortedSet<String> values)
    implements Comparable<Requirement> {

  /** The set-based operators of Kubernetes label selectors. */
  public enum Operator {
    IN("In"),
    NOT_IN("NotIn"),
    EXISTS("Exists"),
    DOES_NOT_EXIST("DoesNotExist");

    private final String spelling;

    Operator(String spelling) {
      this.spelling = spelling;
    }

    /** The operator spelled exactly as Kubernetes' API defines it ({@code NotIn}). */
    public static Optional<Operator> ofName(String name) {
      for (Operator o : values()) {
        if (o.spelling.equals(name)) {
          return Optional.of(o);
        }
      }
      return Optional.empty();
    }
  }

  public Requirement {
    // A copy no caller can change: requirements are shared between selectors once built.
    values = ImmutableSortedSet.copyOfSorted(new TreeSet<>(values));
  }

  // Walks the values by index: selectors are hashed on every lookup of their rules, and the set's
  // own hashCode walks an iterator.
  @Override
  public int hashCode() {
    List<String> v = ((ImmutableSortedSet<String>) values).asList();
    int h = 0;
    for (int i = 0; i < v.size(); i++) {
      h += v.get(i).hashCode();
    }
    return (31 * key.hashCode() + operator.hashCode()) * 31 + h;
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof Requirement r
            && key.equals(r.key)
            && operator == r.operator
            && values.equals(r.values));
  }

  public boolean matches(Labels labels) {
    return switch (operator) {
      case IN -> labels.hasValueIn(key, values);
      case NOT_IN -> !labels.hasValueIn(key, values);
      case EXISTS -> labels.hasKey(key);
      case DOES_NOT_EXIST -> !labels.hasKey(key);
    };
  }

  @Override
  public int compareTo(Requirement o) {
    // Field by field: selectors are kept in sorted sets, so this runs on every selector hash or
    // comparison and must not build strings.
    int c = key.compareTo(o.key);
    if (c != 0) {
      return c;
    }
    c = operator.compareTo(o.operator);
    if (c != 0) {
      return c;
    }
    Iterator<String> a = values.iterator();
    Iterator<String> b = o.values.iterator();
    while (a.hasNext() && b.hasNext()) {
      c = a.next().compareTo(b.next());
      if (c != 0) {
        return c;
      }
    }
    return Boolean.compare(a.hasNext(), b.hasNext());
  }

  @Override
  public String toString() {
    String k = key.sourceKey();
    return switch (operator) {
      case IN -> values.size() == 1 ? k + "=" + values.first() : k + " in " + values;
      case NOT_IN -> k + " notin " + values;
      case EXISTS -> k;
      case DOES_NOT_EXIST -> "!" + k;
    };
  }
}
