package io.palisade.benchmarks.scale;

import java.util.Arrays;

/**
 * Measured values kept whole, so that percentiles are exact (nearest rank on the sorted values).
 */
final class Samples {

  private long[] values = new long[64];
  private int size;
  private boolean sorted = true;

  void add(long value) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
    sorted = false;
  }

  void addAll(long[] more) {
    for (long v : more) {
      add(v);
    }
  }

  int count() {
    return size;
  }

  /** The value at {@code fraction} (0.5: the median), nearest rank; 0 when empty. */
  long percentile(double fraction) {
    if (size == 0) {
      return 0;
    }
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
    int rank = (int) Math.ceil(fraction * size);
    return values[Math.clamp(rank - 1, 0, size - 1)];
  }

  long max() {
    return percentile(1);
  }

  double mean() {
    long sum = 0;
    for (int i = 0; i < size; i++) {
      sum += values[i];
    }
    return size == 0 ? 0 : (double) sum / size;
  }
}
