package io.palisade.operator.source;

import io.palisade.gitops.TokenBucket;
import io.palisade.gitops.WebhookReceiver;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The webhook receivers of every PolicySource, by path: each source with {@code spec.webhook} has
 * one at {@code /hook/<sha256(token + name + namespace)>}, checking its forge's signature and
 * rate-limited to a burst of {@value #BURST}, then {@value #PER_SECOND} a second. A verified call
 * asks for a sync at once; the HTTP layer only passes requests in.
 */
public final class SourceWebhooks {

  static final int BURST = 5;
  static final double PER_SECOND = 1;

  private static final Logger LOG = Logger.getLogger(SourceWebhooks.class);

  private record Registered(SourceId source, SourceSpec.Webhook spec, WebhookReceiver receiver) {}

  private final Map<String, Registered> byPath = new ConcurrentHashMap<>();
  private final Map<SourceId, String> pathOf = new ConcurrentHashMap<>();
  private final SourceMetrics metrics;
  private final Clock clock;
  private volatile BiConsumer<SourceId, java.time.Instant> onVerifiedCall = (s, t) -> {};

  public SourceWebhooks(SourceMetrics metrics, Clock clock) {
    this.metrics = metrics;
    this.clock = clock;
  }

  /** Who syncs a source when its webhook is called, and with the call's arrival time. */
  public void onVerifiedCall(BiConsumer<SourceId, java.time.Instant> listener) {
    this.onVerifiedCall = listener;
  }

  /**
   * The receiver of {@code source}, made or kept (with its rate limit) when the spec is unchanged.
   *
   * @return the path to publish in status
   */
  public String register(SourceId source, SourceSpec.Webhook spec) {
    String current = pathOf.get(source);
    if (current != null && byPath.get(current).spec().equals(spec)) {
      return current;
    }
    WebhookReceiver receiver =
        new WebhookReceiver(
            spec.token(),
            source.name(),
            source.namespace(),
            spec.provider(),
            new TokenBucket(BURST, PER_SECOND));
    unregister(source);
    byPath.put(receiver.path(), new Registered(source, spec, receiver));
    pathOf.put(source, receiver.path());
    return receiver.path();
  }

  public void unregister(SourceId source) {
    Optional.ofNullable(pathOf.remove(source)).ifPresent(byPath::remove);
  }

  /** Answers one HTTP call under {@code /hook/}; {@code header} looks a header up by name. */
  public WebhookReceiver.Answer receive(
      String method, String path, Function<String, Optional<String>> header, byte[] body) {
    java.time.Instant at = clock.instant();
    Registered r = byPath.get(path);
    WebhookReceiver.Answer answer =
        r == null
            ? new WebhookReceiver.Answer(404, "no receiver at " + path, false)
            : r.receiver().receive(method, path, header, body);
    metrics.webhookCall(answer.status());
    if (r != null && answer.status() == 401) {
      LOG.warnf("webhook call for PolicySource %s refused: %s", r.source(), answer.reason());
    }
    if (r != null && answer.sync()) {
      onVerifiedCall.accept(r.source(), at);
    }
    return answer;
  }
}
