package io.palisade.operator.source;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.operator.status.ObjectEvents;
import java.time.Clock;

/**
 * Kubernetes Events on a PolicySource: a reason such as {@code Applied} or {@code FetchFailed} and
 * a message.
 */
public final class SourceEvents {

  static final String COMPONENT = "palisade-policysource";

  /** One event to write: Warning or Normal, its reason and message. */
  public record SourceEvent(boolean warning, String reason, String message) {}

  private final ObjectEvents events;

  public SourceEvents(KubernetesClient client, Clock clock) {
    this.events = new ObjectEvents(client, clock, COMPONENT);
  }

  public void emit(PolicySource source, SourceEvent e) {
    events.emit(source, e.warning(), e.reason(), e.message());
  }
}
