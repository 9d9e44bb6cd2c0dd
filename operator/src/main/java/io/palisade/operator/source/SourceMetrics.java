package io.palisade.operator.source;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The PolicySource meters, on the operator's {@code /metrics}: fetch duration and
 * webhook-to-applied latency per source (histograms), syncs by outcome and webhook calls by HTTP
 * status (counters). The constants are the names Prometheus sees.
 */
public final class SourceMetrics {

  static final String FETCH = "palisade_policysource_fetch_duration_seconds";
  static final String WEBHOOK_TO_APPLIED = "palisade_policysource_webhook_to_applied_seconds";
  static final String SYNCS = "palisade_policysource_syncs_total";
  static final String WEBHOOK_CALLS = "palisade_policysource_webhook_calls_total";

  /** Bucket bounds: from a fast incremental fetch to a slow clone near the timeout. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(2),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(120)
  };

  private final MeterRegistry registry;

  public SourceMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void fetched(SourceId source, Duration took) {
    timer(
            "palisade.policysource.fetch.duration",
            "One fetch of a PolicySource's repository.",
            source)
        .record(took);
  }

  /** From the arrival of the webhook call to the revision it announced being applied. */
  public void webhookToApplied(SourceId source, Duration took) {
    timer(
            "palisade.policysource.webhook.to.applied",
            "From a verified webhook call to its revision applied through the API.",
            source)
        .record(took);
  }

  /** One sync that ended as {@code outcome}, the reason of the source's Ready condition. */
  public void synced(SourceId source, String outcome) {
    Counter.builder("palisade.policysource.syncs")
        .description("Syncs of a PolicySource, by the reason of its Ready condition.")
        .tags("namespace", source.namespace(), "name", source.name(), "outcome", outcome)
        .register(registry)
        .increment();
  }

  public void webhookCall(int status) {
    Counter.builder("palisade.policysource.webhook.calls")
        .description("Calls to the webhook receivers, by HTTP status.")
        .tag("code", Integer.toString(status))
        .register(registry)
        .increment();
  }

  private Timer timer(String name, String description, SourceId source) {
    return Timer.builder(name)
        .description(description)
        .tags("namespace", source.namespace(), "name", source.name())
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }
}
