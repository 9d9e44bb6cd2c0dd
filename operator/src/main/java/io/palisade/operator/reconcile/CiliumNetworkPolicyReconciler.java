package io.palisade.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.operator.status.ObjectEvents;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.PolicyValidation;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Status of CiliumNetworkPolicy objects, on their status subresource. */
// A singleton, not a proxied bean: the reconciler takes its parts in its constructor.
@Singleton
@ControllerConfiguration(
    name = "ciliumnetworkpolicy",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 30, timeUnit = TimeUnit.SECONDS))
public class CiliumNetworkPolicyReconciler
    extends CiliumPolicyStatusReconciler<CiliumNetworkPolicy> {

  /** The operator's: Events are written through {@code client}. */
  @Inject
  public CiliumNetworkPolicyReconciler(
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
  public CiliumNetworkPolicyReconciler(
      Pipeline pipeline,
      PolicyValidation validation,
      KubernetesClient client,
      Clock clock,
      Optional<ObjectEvents> events) {
    super(CiliumNetworkPolicy.class, client, pipeline, validation, clock, events);
  }
}
