package io.palisade.cli.standalone;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Measured durations of one kind, summarised as min/median/max in milliseconds. */
final class Latencies {

  private final List<Duration> samples = new ArrayList<>();

  void add(Duration d) {
    samples.add(d);
  }

  /** {@code min/median/max ms}; the median of an even count is the mean of the middle two. */
  String summary() {
    List<Long> ms = samples.stream().map(Duration::toMillis).sorted().toList();
    int n = ms.size();
    long median = n % 2 == 1 ? ms.get(n / 2) : (ms.get(n / 2 - 1) + ms.get(n / 2)) / 2;
    return ms.get(0) + "/" + median + "/" + ms.get(n - 1) + " ms";
  }
}
