package io.palisade.policy.selector;

import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.Collections;
import java.util.Iterator;
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
    values = Collections.unmodifiableSortedSet(new TreeSet<>(values));
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
