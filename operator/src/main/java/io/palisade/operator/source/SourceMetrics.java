package io.palisade.operator.source;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The PolicySource metrics, in Prometheus text format on the operator's {@code /metrics}: fetch
 * duration and webhook-to-applied latency per source (histograms), syncs by outcome and webhook
 * calls by HTTP status (counters).
 */
public final class SourceMetrics {

  static final String FETCH = "palisade_policysource_fetch_duration_seconds";
  static final String WEBHOOK_TO_APPLIED = "palisade_policysource_webhook_to_applied_seconds";
  static final String SYNCS = "palisade_policysource_syncs_total";
  static final String WEBHOOK_CALLS = "palisade_policysource_webhook_calls_total";

  /** Upper bounds in seconds: from a fast incremental fetch to a slow clone near the timeout. */
  private static final double[] BUCKETS = {
    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120
  };

  private final Map<String, Histogram> fetch = new ConcurrentHashMap<>();
  private final Map<String, Histogram> webhookToApplied = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> syncs = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> webhookCalls = new ConcurrentHashMap<>();

  public void fetched(SourceId source, Duration took) {
    fetch.computeIfAbsent(labels(source), k -> new Histogram()).observe(took);
  }

  /** From the arrival of the webhook call to the revision it announced being applied. */
  public void webhookToApplied(SourceId source, Duration took) {
    webhookToApplied.computeIfAbsent(labels(source), k -> new Histogram()).observe(took);
  }

  /** One sync that ended as {@code outcome}, the reason of the source's Ready condition. */
  public void synced(SourceId source, String outcome) {
    syncs
        .computeIfAbsent(labels(source) + ",outcome=\"" + outcome + '"', k -> new LongAdder())
        .increment();
  }

  public void webhookCall(int status) {
    webhookCalls.computeIfAbsent("code=\"" + status + '"', k -> new LongAdder()).increment();
  }

  /** Every metric in the text exposition format, version 0.0.4. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    histograms(sb, FETCH, "Duration of one fetch of a PolicySource's repository.", fetch);
    histograms(
        sb,
        WEBHOOK_TO_APPLIED,
        "From a verified webhook call to its revision applied through the API.",
        webhookToApplied);
    counters(sb, SYNCS, "Syncs of a PolicySource, by the reason of its Ready condition.", syncs);
    counters(sb, WEBHOOK_CALLS, "Calls to the webhook receivers, by HTTP status.", webhookCalls);
    return sb.toString();
  }

  private static String labels(SourceId s) {
    return "namespace=\"" + s.namespace() + "\",name=\"" + s.name() + '"';
  }

  private static void histograms(
      StringBuilder sb, String name, String help, Map<String, Histogram> byLabels) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" histogram\n");
    new TreeMap<>(byLabels).forEach((labels, h) -> h.render(sb, name, labels));
  }

  private static void counters(
      StringBuilder sb, String name, String help, Map<String, LongAdder> byLabels) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    new TreeMap<>(byLabels)
        .forEach(
            (labels, n) ->
                sb.append(name)
                    .append('{')
                    .append(labels)
                    .append("} ")
                    .append(n.sum())
                    .append('\n'));
  }

  /** Cumulative buckets, count and sum of one labelled series. */
  private static final class Histogram {
    private final long[] counts = new long[BUCKETS.length];
    private long count;
    private double sum;

    synchronized void observe(Duration d) {
      double seconds = d.toNanos() / 1e9;
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i]++;
        }
      }
      count++;
      sum += seconds;
    }

    synchronized void render(StringBuilder sb, String name, String labels) {
      for (int i = 0; i < BUCKETS.length; i++) {
        sb.append(name).append("_bucket{").append(labels).append(",le=\"").append(BUCKETS[i]);
        sb.append("\"} ").append(counts[i]).append('\n');
      }
      sb.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(count);
      sb.append('\n');
      sb.append(name).append("_count{").append(labels).append("} ").append(count).append('\n');
      sb.append(name).append("_sum{").append(labels).append("} ").append(sum).append('\n');
    }
  }
}
