package io.palisade.pipeline;

import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.LiveDesiredState;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.resolve.HostTraffic;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Inventory in, node state out: takes what changed in the inventory, applies it to the live desired
 * state, publishes the nodes it touched as a revision, and remembers which revision first carried
 * each policy generation, so that acks can say how far a generation is enforced.
 */
public final class Pipeline {

  private record Applied(long generation, long revision) {}

  private final ClusterInventory inventory;
  private final LiveDesiredState state;
  private final NodeStateApplier applier;
  private final Map<PolicyRef, Applied> applied = new HashMap<>();

  private static final String NO_FRONTEND = " (this port is not translated)";

  private volatile Consumer<String> serviceErrors = e -> {};

  /** The host reaches its pods whatever their ingress policy, as Cilium's default. */
  public Pipeline(
      ClusterInventory inventory, IdentityAllocator allocator, NodeStateApplier applier) {
    this(inventory, allocator, applier, HostTraffic.ALLOWED);
  }

  public Pipeline(
      ClusterInventory inventory,
      IdentityAllocator allocator,
      NodeStateApplier applier,
      HostTraffic hostTraffic) {
    this.inventory = inventory;
    this.state = new LiveDesiredState(allocator, hostTraffic);
    this.applier = applier;
  }

  public ClusterInventory inventory() {
    return inventory;
  }

  public NodeStateApplier applier() {
    return applier;
  }

  /**
   * Where each problem of a Service goes when it appears or changes: a Service port that cannot be
   * resolved gets no frontend, and whoever runs the pipeline says so (a log line, standard output).
   * Called from the pipeline's thread.
   */
  public void reportServiceErrorsTo(Consumer<String> sink) {
    this.serviceErrors = sink;
  }

  /** The problems that keep ports of the Service {@code id} untranslated. */
  public synchronized List<FieldError> serviceErrors(String id) {
    return state.serviceErrors(id);
  }

  /**
   * Applies and publishes what changed in the inventory since the last run; returns the revision
   * that holds it. When a change cannot be applied (an identity cannot be allocated), what was
   * applied before it is published, the rest is left marked for the next run, and the failure is
   * thrown.
   */
  public synchronized long run() {
    ClusterInventory.Changes changes = inventory.drain();
    if (changes.isEmpty()) {
      return applier.revision();
    }
    Map<PolicyRef, Long> generations = new LinkedHashMap<>();
    RuntimeException failure = null;
    try {
      apply(changes, generations);
    } catch (RuntimeException e) {
      inventory.requeue(changes);
      failure = e;
    }
    long revision = applier.publish(state.drain());
    generations.forEach(
        (ref, generation) -> {
          if (generation < 0) {
            applied.remove(ref);
            return;
          }
          Applied a = applied.get(ref);
          if (a == null || a.generation() != generation) {
            applied.put(ref, new Applied(generation, revision));
          }
        });
    if (failure != null) {
      throw failure;
    }
    return revision;
  }

  /**
   * Namespaces first, since a pod's identity takes its namespace's labels; then the nodes' and the
   * API server's addresses, and the Services; policies last.
   */
  private void apply(ClusterInventory.Changes changes, Map<PolicyRef, Long> generations) {
    changes
        .namespaces()
        .forEach(
            (name, ns) ->
                ns.ifPresentOrElse(state::putNamespace, () -> state.removeNamespace(name)));
    changes
        .workloads()
        .forEach((id, w) -> w.ifPresentOrElse(state::putWorkload, () -> state.removeWorkload(id)));
    changes
        .nodes()
        .forEach((name, n) -> n.ifPresentOrElse(state::putNode, () -> state.removeNode(name)));
    changes.apiServer().ifPresent(state::putApiServer);
    changes
        .services()
        .forEach(
            (id, frontends) -> {
              List<FieldError> before = state.serviceErrors(id);
              state.putService(frontends);
              if (!frontends.errors().equals(before)) {
                frontends
                    .errors()
                    .forEach(e -> serviceErrors.accept("Service " + id + ": " + e + NO_FRONTEND));
              }
            });
    changes
        .policies()
        .forEach(
            (ref, checked) -> {
              if (checked.isPresent()) {
                state.putPolicy(ref, checked.get().rules());
                generations.put(ref, checked.get().generation());
              } else {
                state.removePolicy(ref);
                generations.put(ref, -1L);
              }
            });
  }

  /** The policies that must be enforced on {@code node}. */
  public synchronized List<PolicyRef> policiesOn(String node) {
    return state.policiesOn(node);
  }

  /** The nodes {@code policy} must be enforced on: those running an endpoint it selects. */
  public synchronized Set<String> nodesOf(PolicyRef policy) {
    return state.nodesOf(policy);
  }

  /** The cluster identities some workload has, which the identity GC must leave alone. */
  public synchronized Set<Long> identitiesInUse() {
    return state.identitiesInUse();
  }

  /**
   * How far generation {@code generation} of {@code policy} is enforced; empty until the pipeline
   * has published it.
   */
  public synchronized Optional<Enforcement> enforcement(PolicyRef policy, long generation) {
    Applied a = applied.get(policy);
    if (a == null || a.generation() != generation) {
      return Optional.empty();
    }
    Set<String> nodes = state.nodesOf(policy);
    List<String> failures = new ArrayList<>();
    for (String node : nodes) { // In name order: nodesOf sorts them.
      applier.failure(node, a.revision()).ifPresent(e -> failures.add(node + ": " + e));
    }
    Enforcement e =
        new Enforcement(
            nodes.size(), applier.enforcedCount(nodes, a.revision()), a.revision(), failures);
    Set<L7Parser> parsers =
        inventory.inForce(policy).map(PolicyValidation.Checked::l7Parsers).orElse(Set.of());
    return Optional.of(parsers.isEmpty() ? e : e.withL7(l7(nodes, a.revision(), parsers)));
  }

  /**
   * The L7 half of a policy's enforcement on {@code nodes}. Proxies enforce HTTP (gRPC included),
   * the node's embedded proxy Kafka and DNS too ({@link NodeStateApplier#l7Parsers}); rules of
   * another parser are redirected to a proxy no node runs, so they hold nowhere. A node whose proxy
   * does not take every parser of the policy (an Envoy and a Kafka rule) never counts: its
   * redirects of that parser reach no proxy and drop.
   */
  private Enforcement.L7 l7(Set<String> nodes, long revision, Set<L7Parser> parsers) {
    Set<L7Parser> unserved = EnumSet.copyOf(parsers);
    unserved.removeAll(applier.l7Parsers());
    if (!unserved.isEmpty()) {
      return new Enforcement.L7(
          0,
          List.of(
              "its "
                  + names(unserved)
                  + " rules are enforced by no proxy yet, so the traffic they select is dropped"));
    }
    List<String> failures = new ArrayList<>();
    List<String> served = new ArrayList<>();
    for (String node : nodes) {
      Set<L7Parser> own = applier.l7Parsers(node);
      Set<L7Parser> missing = EnumSet.copyOf(parsers);
      missing.removeAll(own);
      if (own.isEmpty() || missing.isEmpty()) {
        // Every parser taken, or no proxy at all: the applier says how far it holds, or why not.
        applier.l7Failure(node, revision).ifPresent(e -> failures.add(node + ": " + e));
        if (!own.isEmpty()) {
          served.add(node);
        }
      } else {
        failures.add(
            node
                + ": its "
                + names(missing)
                + " rules are enforced by no proxy on the node (its proxy takes "
                + names(own)
                + "), so the traffic they select is dropped");
      }
    }
    return new Enforcement.L7(applier.l7EnforcedCount(served, revision), failures);
  }

  private static List<String> names(Set<L7Parser> parsers) {
    return parsers.stream().map(p -> p.name().toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * The pod ({@code namespace/name}) that has {@code address}, if one does and its identity is
   * {@code identity}.
   */
  public synchronized Optional<String> podAt(String address, long identity) {
    return state.podAt(address, identity);
  }

  /**
   * One side of a flow decided from the rules in force, to name the rule that decided it: see
   * {@link io.palisade.pipeline.flows.FlowNaming}.
   */
  public synchronized Optional<io.palisade.policy.reference.DirectionVerdict> explain(
      io.palisade.policy.Direction direction,
      long subject,
      long peer,
      Optional<String> peerAddress,
      int protocol,
      int port) {
    return state.explain(direction, subject, peer, peerAddress, protocol, port);
  }
}
