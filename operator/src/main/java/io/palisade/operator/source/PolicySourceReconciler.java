package io.palisade.operator.source;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.crds.palisade.ReachabilityChange;
import io.palisade.gitops.ObjectRef;
import io.palisade.gitops.PrunePlan;
import io.palisade.gitops.SourceSync;
import io.palisade.operator.source.SourceStatusBuilder.Sync;
import io.palisade.operator.status.OwnWrites;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Syncs each PolicySource: read the spec and its Secrets, keep its webhook receiver, then, when the
 * source is due, fetch and verify the revision, roll it out (apply, then prune) and write what
 * happened to status and events. Own status writes wake it too (annotations such as {@value
 * #REQUESTED_AT} must), so the {@link SyncSchedule} decides whether a wake-up syncs.
 */
// A singleton, not a proxied bean: the reconciler takes its parts in its constructor.
@Singleton
@ControllerConfiguration(name = "policysource", generationAwareEventProcessing = false)
public class PolicySourceReconciler implements Reconciler<PolicySource>, Cleaner<PolicySource> {

  /** Like Flux's {@code reconcile.fluxcd.io/requestedAt}: a new value syncs at once. */
  public static final String REQUESTED_AT = "palisade.io/requestedAt";

  /** How soon an invalid spec is read again, for the Secrets it names may appear. */
  static final Duration SPEC_RECHECK = Duration.ofMinutes(1);

  /** How soon deleting a source's objects is retried after the API refused. */
  static final Duration CLEANUP_RETRY = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(PolicySourceReconciler.class);

  private final KubernetesClient client;
  private final SourceSync sync;
  private final PolicyApplier applier;
  private final SourceWebhooks webhooks;
  private final SourceEvents events;
  private final SourceMetrics metrics;
  private final Clock clock;
  private final Optional<RevisionReachability> reachability;
  private final SyncSchedule schedule = new SyncSchedule();

  /**
   * Status writes conditional on the version read; a reconcile handed the version its own last
   * write replaced would sync and count from a status that is no longer there, so it waits.
   */
  private final OwnWrites ownWrites = new OwnWrites();

  private final SimpleInboundEventSource<PolicySource> calls =
      new SimpleInboundEventSource<>("webhook-calls");

  @Inject
  public PolicySourceReconciler(
      KubernetesClient client,
      SourceSync sync,
      PolicyApplier applier,
      SourceWebhooks webhooks,
      SourceMetrics metrics,
      RevisionReachability reachability) {
    this(client, sync, applier, webhooks, metrics, Optional.of(reachability), Clock.systemUTC());
  }

  /**
   * @param reachability counts how each applied revision widened and narrowed reachability; empty:
   *     not counted
   */
  public PolicySourceReconciler(
      KubernetesClient client,
      SourceSync sync,
      PolicyApplier applier,
      SourceWebhooks webhooks,
      SourceMetrics metrics,
      Optional<RevisionReachability> reachability,
      Clock clock) {
    this.client = client;
    this.reachability = reachability;
    this.sync = sync;
    this.applier = applier;
    this.webhooks = webhooks;
    this.events = new SourceEvents(client, clock);
    this.metrics = metrics;
    this.clock = clock;
    webhooks.onVerifiedCall(this::syncNow);
  }

  @Override
  public List<EventSource<?, PolicySource>> prepareEventSources(
      EventSourceContext<PolicySource> context) {
    return List.of(calls);
  }

  /** A verified webhook call: mark the source due and wake its reconciler. */
  private void syncNow(SourceId id, Instant at) {
    schedule.requestNow(id.toString(), at);
    wake(id);
  }

  private void wake(SourceId id) {
    try {
      calls.propagateEvent(new ResourceID(id.name(), id.namespace()));
    } catch (RuntimeException e) {
      // Not started yet: the first reconcile syncs anyway.
    }
  }

  @Override
  public UpdateControl<PolicySource> reconcile(PolicySource source, Context<PolicySource> ctx) {
    SourceId id = SourceId.of(source);
    String key = id.toString();
    if (ownWrites.replacedAlready(source)) {
      return lookAgainAfter(OwnWrites.STALE_RETRY);
    }
    long generation = Optional.ofNullable(source.getMetadata().getGeneration()).orElse(0L);
    Optional<PolicySourceStatus> previous = Optional.ofNullable(source.getStatus());
    Optional<String> request = pendingRequest(source, previous);
    Instant now = clock.instant();

    SourceSpecReader.Read read = new SourceSpecReader(name -> secret(id, name)).read(source);
    if (read instanceof SourceSpecReader.Read.Invalid invalid) {
      webhooks.unregister(id);
      schedule.forget(key);
      return finish(
          source,
          previous,
          new Sync.InvalidSpec(invalid.errors()),
          Optional.empty(),
          request,
          SPEC_RECHECK);
    }
    SourceSpec spec = ((SourceSpecReader.Read.Valid) read).spec();
    Optional<String> hook = webhook(id, spec);
    if (spec.suspend()) {
      return finish(source, previous, new Sync.Suspended(), hook, Optional.empty(), null);
    }
    if (previous.map(p -> !Objects.equals(p.observedGeneration(), generation)).orElse(true)) {
      // kstatus: say Reconciling before the work, so no reader takes the old status as current.
      return finish(
          source, previous, new Sync.Started(), hook, Optional.empty(), Duration.ofMillis(1));
    }
    List<ReachabilityChange> counted =
        reachability.map(r -> r.unrecorded(id, previous)).orElse(List.of());
    if (!schedule.due(key, generation, request.isPresent(), now)) {
      Duration due = schedule.untilDue(key, now);
      if (!counted.isEmpty() && previous.isPresent()) {
        return writeStatus(
            source, SourceStatusBuilder.withReachability(previous.get(), counted), due);
      }
      return lookAgainAfter(due);
    }
    Optional<SyncSchedule.Pending> calls = schedule.pending(key);
    Sync result = syncOnce(source, id, spec, previous);
    countReachability(id, spec, previous, result);
    // A count that finished meanwhile is carried into the status this sync writes.
    Optional<PolicySourceStatus> carried =
        previous.map(p -> SourceStatusBuilder.withReachability(p, counted));
    if (calls.isPresent() && result instanceof Sync.Rolled r && r.rollout().applyOk()) {
      metrics.webhookToApplied(id, Duration.between(calls.get().since(), clock.instant()));
    }
    Duration next = schedule.synced(key, generation, spec.interval(), clock.instant(), calls);
    return finish(source, carried, result, hook, request, next);
  }

  /**
   * A revision applied over another one: count, off this thread, the cells it widened and narrowed;
   * the count's end wakes the reconciler, which records it in status.
   */
  private void countReachability(
      SourceId id, SourceSpec spec, Optional<PolicySourceStatus> previous, Sync result) {
    Optional<String> before = previous.map(PolicySourceStatus::lastAppliedRevision);
    if (reachability.isPresent()
        && before.isPresent()
        && result instanceof Sync.Rolled r
        && r.rollout().applyOk()
        && !r.content().revision().equals(before.get())) {
      reachability
          .get()
          .count(
              id,
              spec.git().url(),
              spec.git().normalizedPath(),
              before.get(),
              r.content(),
              this::wake);
    }
  }

  /** Fetch, verify and read the revision, then roll it out; a failure changes nothing. */
  private Sync syncOnce(
      PolicySource source, SourceId id, SourceSpec spec, Optional<PolicySourceStatus> previous) {
    long start = System.nanoTime();
    SourceSync.Outcome outcome = sync.sync(spec.git());
    metrics.fetched(id, Duration.ofNanos(System.nanoTime() - start));
    return switch (outcome) {
      case SourceSync.Outcome.Failed f -> new Sync.Failed(f.stage(), f.reason());
      case SourceSync.Outcome.Fetched f ->
          new Sync.Rolled(
              f.content(),
              new RevisionRollout(applier)
                  .roll(
                      f.content(),
                      SourceStatusBuilder.inventory(previous),
                      spec,
                      id,
                      Optional.ofNullable(source.getMetadata().getAnnotations()).orElse(Map.of())));
    };
  }

  /** Writes the status when it changed, the event it calls for, and when to look again. */
  private UpdateControl<PolicySource> finish(
      PolicySource source,
      Optional<PolicySourceStatus> previous,
      Sync sync,
      Optional<String> hook,
      Optional<String> handledRequest,
      Duration next) {
    long generation = Optional.ofNullable(source.getMetadata().getGeneration()).orElse(0L);
    PolicySourceStatus status =
        SourceStatusBuilder.build(
            generation, previous, sync, hook, handledRequest, clock.instant());
    if (!(sync instanceof Sync.Started)) {
      metrics.synced(SourceId.of(source), SourceStatusBuilder.readyReason(status));
    }
    SourceStatusBuilder.event(previous, status).ifPresent(e -> events.emit(source, e));
    if (!status.equals(source.getStatus())) {
      return writeStatus(source, status, next);
    }
    return lookAgainAfter(next);
  }

  /**
   * Replaces the source's status, conditional on the resourceVersion in hand (see {@link
   * OwnWrites}). A write refused as stale is not an error: the source is looked at again once the
   * cache holds the newer version.
   */
  private UpdateControl<PolicySource> writeStatus(
      PolicySource source, PolicySourceStatus status, Duration next) {
    source.setStatus(status);
    if (!ownWrites.write(source, () -> client.resource(source).updateStatus())) {
      LOG.debugf("status of PolicySource %s changed meanwhile; looking again", SourceId.of(source));
      return lookAgainAfter(OwnWrites.STALE_RETRY);
    }
    return lookAgainAfter(next);
  }

  /**
   * Nothing to write; the source is looked at again after {@code next} (null: when an event says).
   */
  private static UpdateControl<PolicySource> lookAgainAfter(Duration next) {
    UpdateControl<PolicySource> control = UpdateControl.noUpdate();
    return next == null ? control : control.rescheduleAfter(next);
  }

  /**
   * Deleting a source: {@code deletionPolicy: Delete} deletes the objects of its inventory that it
   * still owns and that are not opted out; the default leaves every one in force.
   */
  @Override
  public DeleteControl cleanup(PolicySource source, Context<PolicySource> ctx) {
    SourceId id = SourceId.of(source);
    webhooks.unregister(id);
    schedule.forget(id.toString());
    ownWrites.forget(source);
    reachability.ifPresent(r -> r.forget(id));
    if (SourceSpecReader.deletionPolicyOf(source) == SourceSpec.DeletionPolicy.ORPHAN) {
      return DeleteControl.defaultDelete();
    }
    boolean failed = false;
    for (ObjectRef ref : SourceStatusBuilder.inventory(Optional.ofNullable(source.getStatus()))) {
      try {
        Optional<Map<String, String>> a = applier.annotations(ref);
        if (a.isPresent()
            && id.toString().equals(a.get().get(SourceId.ANNOTATION))
            && !PrunePlan.PRUNE_DISABLED.equals(a.get().get(PrunePlan.PRUNE_ANNOTATION))) {
          applier.delete(ref);
        }
      } catch (KubernetesClientException e) {
        failed = true;
        LOG.warnf("deleting %s of PolicySource %s failed, will retry: %s", ref, id, e.getMessage());
      }
    }
    return failed
        ? DeleteControl.noFinalizerRemoval().rescheduleAfter(CLEANUP_RETRY.toMillis())
        : DeleteControl.defaultDelete();
  }

  private Optional<String> webhook(SourceId id, SourceSpec spec) {
    if (spec.webhook().isEmpty()) {
      webhooks.unregister(id);
      return Optional.empty();
    }
    return Optional.of(webhooks.register(id, spec.webhook().get()));
  }

  /** The {@value #REQUESTED_AT} value not yet echoed in {@code lastHandledReconcileAt}. */
  private static Optional<String> pendingRequest(
      PolicySource source, Optional<PolicySourceStatus> previous) {
    Optional<String> requested =
        Optional.ofNullable(source.getMetadata().getAnnotations()).map(a -> a.get(REQUESTED_AT));
    Optional<String> handled = previous.map(PolicySourceStatus::lastHandledReconcileAt);
    return requested.filter(r -> !requested.equals(handled));
  }

  /** A Secret's data, decoded; empty when it does not exist or cannot be read. */
  private Optional<Map<String, String>> secret(SourceId id, String name) {
    Secret s;
    try {
      s = client.secrets().inNamespace(id.namespace()).withName(name).get();
    } catch (KubernetesClientException e) {
      LOG.warnf("cannot read Secret %s/%s: %s", id.namespace(), name, e.getMessage());
      return Optional.empty();
    }
    if (s == null) {
      return Optional.empty();
    }
    Map<String, String> data = new HashMap<>();
    Optional.ofNullable(s.getData())
        .orElse(Map.of())
        .forEach(
            (k, v) ->
                data.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8)));
    Optional.ofNullable(s.getStringData()).ifPresent(data::putAll);
    return Optional.of(data);
  }
}
