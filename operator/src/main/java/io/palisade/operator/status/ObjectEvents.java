package io.palisade.operator.status;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Writes Kubernetes Events about an object ({@code kubectl describe}, {@code kubectl events}): a
 * reason and a message, Warning or Normal. An event that cannot be written is logged; it never
 * fails the reconcile that wanted it.
 */
public final class ObjectEvents {

  private static final int MAX_MESSAGE = 1024;
  private static final Logger LOG = Logger.getLogger(ObjectEvents.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final String component;
  private final AtomicLong sequence = new AtomicLong();

  public ObjectEvents(KubernetesClient client, Clock clock, String component) {
    this.client = client;
    this.clock = clock;
    this.component = component;
  }

  public void emit(HasMetadata object, boolean warning, String reason, String message) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    String text =
        message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
    String namespace = object.getMetadata().getNamespace();
    // Events about a cluster-scoped object live in "default", as the kubelet's about nodes do.
    String eventNamespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
    Event event =
        new EventBuilder()
            .withNewMetadata()
            // Unique per operator process like the kubelet's names: <object>.<hex>.
            .withName(
                object.getMetadata().getName()
                    + "."
                    + Long.toHexString(clock.millis())
                    + Long.toHexString(sequence.incrementAndGet()))
            .withNamespace(eventNamespace)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(object.getApiVersion())
            .withKind(object.getKind())
            .withName(object.getMetadata().getName())
            .withNamespace(namespace)
            .withUid(object.getMetadata().getUid())
            .withResourceVersion(object.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(warning ? "Warning" : "Normal")
            .withReason(reason)
            .withMessage(text)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .withNewSource()
            .withComponent(component)
            .endSource()
            .withReportingComponent(component)
            .build();
    try {
      client.v1().events().inNamespace(eventNamespace).resource(event).create();
    } catch (RuntimeException ex) {
      LOG.warnf(
          "cannot record event %s on %s %s: %s",
          reason, object.getKind(), object.getMetadata().getName(), ex.getMessage());
    }
  }
}
