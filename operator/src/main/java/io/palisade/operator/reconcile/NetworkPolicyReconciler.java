package io.palisade.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.status.ObjectEvents;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.PolicyValidation;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Status of Kubernetes NetworkPolicy objects. The kind has no status any more, so the same status a
 * Cilium policy gets is kept as JSON in the {@value #STATUS_ANNOTATION} annotation.
 */
// A singleton, not a proxied bean: the reconciler takes its parts in its constructor.
@Singleton
@ControllerConfiguration(
    name = "networkpolicy",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 30, timeUnit = TimeUnit.SECONDS))
public class NetworkPolicyReconciler extends PolicyStatusReconciler<NetworkPolicy> {

  public static final String STATUS_ANNOTATION = "palisade.io/status";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The operator's: Events are written through {@code client}. */
  @Inject
  public NetworkPolicyReconciler(
      Pipeline pipeline, PolicyValidation validation, KubernetesClient client) {
    this(
        pipeline,
        validation,
        Clock.systemUTC(),
        Optional.of(new ObjectEvents(client, Clock.systemUTC(), EVENT_COMPONENT)));
  }

  /** Without Events. */
  public NetworkPolicyReconciler(Pipeline pipeline, PolicyValidation validation) {
    this(pipeline, validation, Clock.systemUTC(), Optional.empty());
  }

  public NetworkPolicyReconciler(
      Pipeline pipeline, PolicyValidation validation, Clock clock, Optional<ObjectEvents> events) {
    super(NetworkPolicy.class, pipeline, validation, clock, events);
  }

  /** The status kept on a NetworkPolicy, if it has a readable one. */
  public static Optional<PolicyStatus> statusOf(NetworkPolicy policy) {
    Map<String, String> annotations = policy.getMetadata().getAnnotations();
    String json = annotations == null ? null : annotations.get(STATUS_ANNOTATION);
    if (json == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(json, PolicyStatus.class));
    } catch (JsonProcessingException e) {
      return Optional.empty(); // Someone else's edit: ours replaces it.
    }
  }

  @Override
  protected Optional<PolicyStatus> currentStatus(NetworkPolicy policy) {
    return statusOf(policy);
  }

  @Override
  protected UpdateControl<NetworkPolicy> write(NetworkPolicy policy, PolicyStatus status) {
    Map<String, String> annotations =
        new HashMap<>(Optional.ofNullable(policy.getMetadata().getAnnotations()).orElse(Map.of()));
    try {
      annotations.put(STATUS_ANNOTATION, JSON.writeValueAsString(status));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a status always serializes", e);
    }
    policy.getMetadata().setAnnotations(annotations);
    return UpdateControl.patchResource(policy);
  }
}
