package io.palisade.policy.labels;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * An immutable, sorted set of labels: the identity-relevant labels of an endpoint. Kept as one
 * sorted array: labels sort by key first, so the labels of a key are one run of it, found by binary
 * search. Every identity keeps one, and at Cilium's 1,000-node scale an index by key per set was
 * several times the size of the labels themselves.
 */
public final class Labels implements Iterable<Label> {

  public static final Labels EMPTY = new Labels(new TreeSet<>());

  private final Label[] sorted;
  private final String canonical;

  private Labels(TreeSet<Label> labels) {
    this.sorted = labels.toArray(new Label[0]);
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
    int from = firstWithKey(key);
    int to = from;
    while (to < sorted.length && sorted[to].key().equals(key)) {
      to++;
    }
    return from == to ? List.of() : List.of(Arrays.copyOfRange(sorted, from, to));
  }

  /** The position of the first label of {@code key}, or where it would be. */
  private int firstWithKey(String key) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid].key().compareTo(key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Whether some label matches the selector label's source and key. */
  public boolean hasKey(Label selectorLabel) {
    String key = selectorLabel.key();
    for (int i = firstWithKey(key); i < sorted.length && sorted[i].key().equals(key); i++) {
      if (selectorLabel.sourceAndKeyMatch(sorted[i])) {
        return true;
      }
    }
    return false;
  }

  /** Whether some label matches the selector label's source and key and has one of the values. */
  public boolean hasValueIn(Label selectorLabel, Collection<String> values) {
    String key = selectorLabel.key();
    for (int i = firstWithKey(key); i < sorted.length && sorted[i].key().equals(key); i++) {
      if (selectorLabel.sourceAndKeyMatch(sorted[i]) && values.contains(sorted[i].value())) {
        return true;
      }
    }
    return false;
  }

  public boolean contains(Label label) {
    return Arrays.binarySearch(sorted, label) >= 0;
  }

  /** These labels and {@code more}. */
  public Labels with(Collection<Label> more) {
    TreeSet<Label> all = new TreeSet<>(Arrays.asList(sorted));
    all.addAll(more);
    return new Labels(all);
  }

  public List<Label> asList() {
    return Collections.unmodifiableList(Arrays.asList(sorted));
  }

  public int size() {
    return sorted.length;
  }

  /** The {@code i}th label in order: for loops that run per identity and per selector. */
  public Label get(int i) {
    return sorted[i];
  }

  public boolean isEmpty() {
    return sorted.length == 0;
  }

  /** {@code source:key=value;} for every label, sorted: the identity key Cilium stores. */
  public String canonical() {
    return canonical;
  }

  @Override
  public Iterator<Label> iterator() {
    return asList().iterator();
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
    return Arrays.toString(sorted);
  }
}
