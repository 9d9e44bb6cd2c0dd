package io.palisade.operator.source;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.palisade.crds.palisade.PolicySource;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Kubernetes Events on a PolicySource ({@code kubectl describe} and {@code kubectl events} show
 * them): a reason such as {@code Applied} or {@code FetchFailed} and a message. An event that
 * cannot be written is logged; it never fails a sync.
 */
public final class SourceEvents {

  static final String COMPONENT = "palisade-policysource";
  private static final int MAX_MESSAGE = 1024;
  private static final Logger LOG = Logger.getLogger(SourceEvents.class);

  /** One event to write: Warning or Normal, its reason and message. */
  public record SourceEvent(boolean warning, String reason, String message) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final AtomicLong sequence = new AtomicLong();

  public SourceEvents(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void emit(PolicySource source, SourceEvent e) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String message =
        e.message().length() > MAX_MESSAGE
            ? e.message().substring(0, MAX_MESSAGE - 3) + "..."
            : e.message();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            // Unique per operator process like the kubelet's names: <object>.<hex>.
            .withName(
                source.getMetadata().getName()
                    + "."
                    + Long.toHexString(clock.millis())
                    + Long.toHexString(sequence.incrementAndGet()))
            .withNamespace(source.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(source.getApiVersion())
            .withKind(source.getKind())
            .withName(source.getMetadata().getName())
            .withNamespace(source.getMetadata().getNamespace())
            .withUid(source.getMetadata().getUid())
            .withResourceVersion(source.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(e.warning() ? "Warning" : "Normal")
            .withReason(e.reason())
            .withMessage(message)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (RuntimeException ex) {
      LOG.warnf(
          "cannot record event %s on PolicySource %s: %s",
          e.reason(), SourceId.of(source), ex.getMessage());
    }
  }
}
