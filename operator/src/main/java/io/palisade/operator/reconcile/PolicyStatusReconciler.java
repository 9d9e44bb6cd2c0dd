package io.palisade.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.status.ObjectEvents;
import io.palisade.operator.status.OwnWrites;
import io.palisade.operator.status.PolicyConditions;
import io.palisade.operator.status.PolicyEvents;
import io.palisade.pipeline.Enforcement;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.rules.PolicyMode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What every policy kind's reconciler does: take the generation's validation (the watch hands the
 * generation to the pipeline), read how far it is enforced, and write the status only when it says
 * something new. A node's ack or new revision wakes the policies on that node; a generation not yet
 * enforced everywhere is also looked at again shortly, in case a wake-up came before the reconciler
 * ran. Each transition to a problem (invalid, last good kept, L7 not enforced) and the recovery
 * from one is also an Event on the policy, once the status that says it is written.
 *
 * <p>Each write is conditional on the resourceVersion of the copy it was computed from ({@link
 * OwnWrites}): a status computed from a copy older than the operator's own last write would
 * otherwise mix with it, and could say Enforced beside a message that says it is not.
 */
public abstract class PolicyStatusReconciler<P extends HasMetadata> implements Reconciler<P> {

  static final Duration RECHECK = Duration.ofSeconds(1);

  /** The component named on the Events about policies. */
  public static final String EVENT_COMPONENT = "palisade-operator";

  private final KubernetesClient client;
  private final Pipeline pipeline;
  private final PolicyValidation validation;
  private final Clock clock;
  private final String kind;
  private final Optional<ObjectEvents> events;
  private final Set<String> problemReported = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final SimpleInboundEventSource<P> nodeEvents = new SimpleInboundEventSource<>("nodes");
  private final OwnWrites ownWrites = new OwnWrites();

  /**
   * @param events where Events about the policies go; empty: none are written
   */
  protected PolicyStatusReconciler(
      Class<P> type,
      KubernetesClient client,
      Pipeline pipeline,
      PolicyValidation validation,
      Clock clock,
      Optional<ObjectEvents> events) {
    this.kind = HasMetadata.getKind(type);
    this.client = client;
    this.events = events;
    this.pipeline = pipeline;
    this.validation = validation;
    this.clock = clock;
    pipeline
        .applier()
        .addListener(
            new NodeStateApplier.Listener() {
              @Override
              public void published(long revision, Set<String> changedNodes) {
                changedNodes.forEach(PolicyStatusReconciler.this::wake);
              }

              @Override
              public void acked(String node, long revision) {
                wake(node);
              }
            });
  }

  @Override
  public List<EventSource<?, P>> prepareEventSources(EventSourceContext<P> context) {
    return List.of(nodeEvents);
  }

  /** Reconciles this kind's policies that must be enforced on {@code node}. */
  private void wake(String node) {
    for (PolicyRef ref : pipeline.policiesOn(node)) {
      if (ref.kind().equals(kind)) {
        try {
          nodeEvents.propagateEvent(
              new ResourceID(ref.name(), ref.namespace().isEmpty() ? null : ref.namespace()));
        } catch (RuntimeException e) {
          // Not started yet: the first reconcile reads the current state anyway.
        }
      }
    }
  }

  @Override
  public UpdateControl<P> reconcile(P policy, Context<P> context) {
    if (ownWrites.replacedAlready(policy)) {
      return UpdateControl.<P>noUpdate().rescheduleAfter(OwnWrites.STALE_RETRY);
    }
    // The same answer the watch put into the inventory: each generation is validated once.
    PolicyValidation.Checked checked = validation.check(policy);
    Optional<Enforcement> enforcement =
        checked.valid()
            ? pipeline.enforcement(checked.ref(), checked.generation())
            : Optional.empty();
    Optional<PolicyStatus> previous = currentStatus(policy);
    PolicyStatus next =
        PolicyConditions.build(
            checked.generation(),
            checked.errors(),
            enforcement,
            pipeline.inventory().generationInForce(checked.ref()),
            pipeline
                .inventory()
                .inForce(checked.ref())
                .map(PolicyValidation.Checked::hasL7Rules)
                .orElse(false),
            PolicyMode.of(policy.getMetadata().getAnnotations()),
            previous,
            clock.instant());
    boolean changed = previous.isEmpty() || !PolicyConditions.same(previous.get(), next);
    if (changed) {
      if (!ownWrites.write(policy, () -> write(policy, next))) {
        return UpdateControl.<P>noUpdate().rescheduleAfter(OwnWrites.STALE_RETRY);
      }
      events.ifPresent(sink -> report(sink, policy, previous, next));
    }
    boolean settled = !checked.valid() || enforcement.map(Enforcement::complete).orElse(false);
    UpdateControl<P> control = UpdateControl.noUpdate();
    return settled ? control : control.rescheduleAfter(RECHECK);
  }

  /**
   * Writes the Event the transition calls for. Which policies had a problem reported is kept in
   * memory, so that the recovery is reported although the fixed generation was first Progressing; a
   * new leader knows only what the statuses say.
   */
  private void report(
      ObjectEvents sink, P policy, Optional<PolicyStatus> previous, PolicyStatus next) {
    String uid = policy.getMetadata().getUid();
    PolicyEvents.transition(previous, next, problemReported.contains(uid))
        .ifPresent(
            e -> {
              sink.emit(policy, e.warning(), e.reason(), e.message());
              if (PolicyEvents.isProblem(e)) {
                problemReported.add(uid);
              } else {
                problemReported.remove(uid);
              }
            });
  }

  /** The status the object carries now, if any. */
  protected abstract Optional<PolicyStatus> currentStatus(P policy);

  /**
   * Writes {@code status} for {@code policy}, conditional on the copy's resourceVersion.
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException as the API server refused it;
   *     409 when the object changed since the copy
   */
  protected abstract void write(P policy, PolicyStatus status);

  /** The client the status is written through. */
  protected final KubernetesClient client() {
    return client;
  }
}
