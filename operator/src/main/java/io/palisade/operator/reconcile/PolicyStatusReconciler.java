package io.palisade.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.inventory.Pipeline;
import io.palisade.operator.inventory.PolicyValidation;
import io.palisade.operator.status.Enforcement;
import io.palisade.operator.status.PolicyConditions;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * What every policy kind's reconciler does: validate the generation, hand it to the pipeline, read
 * how far it is enforced, and write the status only when it says something new. A generation not
 * yet enforced everywhere is looked at again shortly, so acks reach the status.
 */
public abstract class PolicyStatusReconciler<P extends HasMetadata> implements Reconciler<P> {

  static final Duration RECHECK = Duration.ofSeconds(1);

  private final Pipeline pipeline;
  private final PolicyValidation validation;
  private final Clock clock;

  protected PolicyStatusReconciler(Pipeline pipeline, PolicyValidation validation, Clock clock) {
    this.pipeline = pipeline;
    this.validation = validation;
    this.clock = clock;
  }

  @Override
  public UpdateControl<P> reconcile(P policy, Context<P> context) {
    PolicyValidation.Checked checked = validation.check(policy);
    pipeline.inventory().putPolicy(checked);
    Optional<Enforcement> enforcement =
        checked.valid()
            ? pipeline.enforcement(checked.ref(), checked.generation())
            : Optional.empty();
    Optional<PolicyStatus> previous = currentStatus(policy);
    PolicyStatus next =
        PolicyConditions.build(
            checked.generation(), checked.errors(), enforcement, previous, clock.instant());
    UpdateControl<P> control =
        previous.isPresent() && PolicyConditions.same(previous.get(), next)
            ? UpdateControl.noUpdate()
            : write(policy, next);
    boolean settled = !checked.valid() || enforcement.map(Enforcement::complete).orElse(false);
    return settled ? control : control.rescheduleAfter(RECHECK);
  }

  /** The status the object carries now, if any. */
  protected abstract Optional<PolicyStatus> currentStatus(P policy);

  /** Puts {@code status} on the object and says how to patch it. */
  protected abstract UpdateControl<P> write(P policy, PolicyStatus status);
}
