package io.palisade.policy.selector;

import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.SortedSet;

/** One term of a label selector, over a source-qualified key. */
public record Requirement(Label key, Operator operator, SortedSet<String> values)
    implements Comparable<Requirement> {

  /** The set-based operators of Kubernetes label selectors. */
  public enum Operator {
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
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
    return toString().compareTo(o.toString());
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
