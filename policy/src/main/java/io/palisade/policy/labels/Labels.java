package io.palisade.policy.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** An immutable, sorted set of labels: the identity-relevant labels of an endpoint. */
public final class Labels implements Iterable<Label> {

  public static final Labels EMPTY = new Labels(new TreeSet<>());

  private final List<Label> sorted;
  private final Map<String, List<Label>> byKey;
  private final String canonical;

  private Labels(TreeSet<Label> labels) {
    this.sorted = List.copyOf(labels);
    Map<String, List<Label>> index = new TreeMap<>();
    for (Label l : labels) {
      index.computeIfAbsent(l.key(), k -> new ArrayList<>(1)).add(l);
    }
    this.byKey = index;
    StringBuilder sb = new StringBuilder();
    for (Label l : sorted) {
      sb.append(l.sourceKey()).append('=').append(l.value()).append(';');
    }
    this.canonical = sb.toString();
  }

  public static Labels of(Collection<Label> labels) {
    return new Labels(new TreeSet<>(labels));
  }

  public static Labels of(Label... labels) {
    return of(List.of(labels));
  }

  /** The labels {@code key} has across sources. */
  public List<Label> withKey(String key) {
    return byKey.getOrDefault(key, List.of());
  }

  /** Whether some label matches the selector label's source and key. */
  public boolean hasKey(Label selectorLabel) {
    for (Label l : withKey(selectorLabel.key())) {
      if (selectorLabel.sourceAndKeyMatch(l)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some label matches the selector label's source and key and has one of the values. */
  public boolean hasValueIn(Label selectorLabel, Collection<String> values) {
    for (Label l : withKey(selectorLabel.key())) {
      if (selectorLabel.sourceAndKeyMatch(l) && values.contains(l.value())) {
        return true;
      }
    }
    return false;
  }

  public boolean contains(Label label) {
    return withKey(label.key()).contains(label);
  }

  /** These labels and {@code more}. */
  public Labels with(Collection<Label> more) {
    TreeSet<Label> all = new TreeSet<>(sorted);
    all.addAll(more);
    return new Labels(all);
  }

  public List<Label> asList() {
    return sorted;
  }

  public int size() {
    return sorted.size();
  }

  public boolean isEmpty() {
    return sorted.isEmpty();
  }

  /** {@code source:key=value;} for every label, sorted: the identity key Cilium stores. */
  public String canonical() {
    return canonical;
  }

  @Override
  public Iterator<Label> iterator() {
    return sorted.iterator();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Labels other && canonical.equals(other.canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  @Override
  public String toString() {
    return sorted.toString();
  }
}
