package io.palisade.operator.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.palisade.crds.cilium.CiliumPolicy;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.status.ConditionalPatch;
import io.palisade.operator.status.ObjectEvents;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.PolicyValidation;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.util.Optional;

/** Status of the Cilium policy kinds, on their status subresource. */
abstract class CiliumPolicyStatusReconciler<P extends CiliumPolicy>
    extends PolicyStatusReconciler<P> {

  private static final ObjectMapper JSON = new ObjectMapper();

  CiliumPolicyStatusReconciler(
      Class<P> type,
      KubernetesClient client,
      Pipeline pipeline,
      PolicyValidation validation,
      Clock clock,
      Optional<ObjectEvents> events) {
    super(type, client, pipeline, validation, clock, events);
  }

  @Override
  protected Optional<PolicyStatus> currentStatus(P policy) {
    return Optional.ofNullable(policy.getStatus());
  }

  /**
   * Conditional on the copy's resourceVersion: it sets each field of a {@link PolicyStatus} (null
   * for those it leaves empty, which the API server prunes, so that no operation fails on a field
   * that is not there) and the condition list, and leaves other fields of the status as they are.
   */
  @Override
  protected void write(P policy, PolicyStatus status) {
    ConditionalPatch patch = ConditionalPatch.over(policy);
    ObjectNode fields = JSON.valueToTree(status);
    if (policy.getStatus() == null) {
      patch.set("/status", fields);
    } else {
      for (RecordComponent c : PolicyStatus.class.getRecordComponents()) {
        String name = c.getName();
        patch.set("/status/" + name, fields.has(name) ? fields.get(name) : NullNode.getInstance());
      }
    }
    client()
        .resource(policy)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON), patch.toString());
  }
}
