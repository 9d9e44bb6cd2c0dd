package io.palisade.pipeline.local;

import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.resolve.HostTraffic;
import java.util.Optional;

/**
 * The pipeline as standalone mode and the node daemon's file mode run it: policies from snapshots,
 * namespaces and pods from a cluster file, identities from memory, node state to one applier. The
 * same {@link Pipeline} the operator runs behind its informers. Not thread-safe: one thread reads
 * the inputs and runs it; status readers go through the inventory and the pipeline, which are.
 */
public final class LocalPipeline {

  private final ClusterInventory inventory = new ClusterInventory();
  // One allocator for the life of the process: identities (and the datapath's view of them) stay
  // the same from one generation to the next.
  private final InMemoryIdentityAllocator allocator = new InMemoryIdentityAllocator();
  private final SnapshotIntake policies;
  private final ClusterIntake cluster;
  private final Pipeline pipeline;

  /**
   * @param node the node this process stands for, which every pod of the cluster file runs on
   * @param budget how much of the policies one snapshot may remove
   */
  public LocalPipeline(String node, NodeStateApplier applier, RemovalBudget budget) {
    this(node, applier, budget, HostTraffic.ALLOWED, Optional.empty());
  }

  /**
   * @param hostTraffic whether the host reaches its pods whatever their ingress policy
   * @param nodeObject the cluster file's Node that is this machine; empty: the file's only Node
   */
  public LocalPipeline(
      String node,
      NodeStateApplier applier,
      RemovalBudget budget,
      HostTraffic hostTraffic,
      Optional<String> nodeObject) {
    this.policies = new SnapshotIntake(inventory, budget);
    this.cluster = new ClusterIntake(inventory, node, nodeObject);
    this.pipeline = new Pipeline(inventory, allocator, applier, hostTraffic);
  }

  /** Takes a snapshot of the policies, or refuses it whole (see {@link SnapshotIntake}). */
  public Optional<SnapshotIntake.Refusal> accept(PolicySnapshot snapshot) {
    return policies.accept(snapshot);
  }

  public void accept(Cluster next) {
    cluster.accept(ClusterFile.Contents.of(next));
  }

  /**
   * Takes a cluster file's contents, or nothing of them.
   *
   * @throws IllegalArgumentException when the file does not say which Node this machine is
   */
  public void accept(ClusterFile.Contents next) {
    cluster.accept(next);
  }

  /** Applies what changed since the last run; returns the revision that holds it. */
  public long run() {
    return pipeline.run();
  }

  public ClusterInventory inventory() {
    return inventory;
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public InMemoryIdentityAllocator allocator() {
    return allocator;
  }
}
