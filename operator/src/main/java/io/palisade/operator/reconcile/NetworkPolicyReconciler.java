package io.palisade.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.status.ConditionalPatch;
import io.palisade.operator.status.ObjectEvents;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.PolicyValidation;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
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
        client,
        Clock.systemUTC(),
        Optional.of(new ObjectEvents(client, Clock.systemUTC(), EVENT_COMPONENT)));
  }

  /**
   * @param events where Events about the policies go; empty: none are written
   */
  public NetworkPolicyReconciler(
      Pipeline pipeline,
      PolicyValidation validation,
      KubernetesClient client,
      Clock clock,
      Optional<ObjectEvents> events) {
    super(NetworkPolicy.class, client, pipeline, validation, clock, events);
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

  /**
   * A patch of the one annotation, conditional on the copy's resourceVersion: the policy's spec and
   * its other annotations stay as the GitOps tool or kubectl left them.
   */
  @Override
  protected void write(NetworkPolicy policy, PolicyStatus status) {
    TextNode value;
    try {
      value = TextNode.valueOf(JSON.writeValueAsString(status));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a status always serializes", e);
    }
    ConditionalPatch patch = ConditionalPatch.over(policy);
    if (policy.getMetadata().getAnnotations() == null) {
      patch.set("/metadata/annotations", JSON.createObjectNode().set(STATUS_ANNOTATION, value));
    } else {
      patch.set("/metadata/annotations/" + ConditionalPatch.step(STATUS_ANNOTATION), value);
    }
    client().resource(policy).patch(PatchContext.of(PatchType.JSON), patch.toString());
  }
}
