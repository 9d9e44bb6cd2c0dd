package io.palisade.benchmarks.scale;

import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.SnapshotCosts;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PodMapping;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The operator side of a scale run, built from the operator's own parts: the inventory filled as
 * the watches and reconcilers fill it (namespaces and pods through {@link PodMapping}, every policy
 * through {@link PolicyValidation}), the pipeline, the store and the real node-state server on
 * loopback; then the daemons, the initial sync, the measured phases and the final check.
 */
final class ScaleRun implements AutoCloseable {

  static final Duration SYNC_TIMEOUT = Duration.ofMinutes(20);

  private final ScaleShape shape;
  private final HeapProbe heap;
  private final PrintStream progress;
  private final ClusterInventory inventory = new ClusterInventory();
  private final NodeStateStore store = new NodeStateStore();
  private final InMemoryIdentityAllocator allocator = new InMemoryIdentityAllocator();
  private final Pipeline pipeline = new Pipeline(inventory, allocator, store);
  private final PolicyValidation validation = new PolicyValidation();
  private final AckWaiter waiter = new AckWaiter(store);
  private PolicyChanges changes;
  private NodeStateServer server;
  private Fleet fleet;
  private Fleet.Traffic syncTraffic;
  private SyncSnapshots syncSnapshots;
  private Duration fleetMade = Duration.ZERO;
  private Duration fleetStarted = Duration.ZERO;

  /**
   * What the initial sync's snapshots cost the operator, and when the last was handed to gRPC,
   * counted from the daemons' start.
   */
  record SyncSnapshots(SnapshotCosts.Totals costs, Duration lastSent) {}

  /** Making the daemons, before the sync's clock, and starting them, on it. */
  record FleetStart(Duration made, Duration started) {}

  ScaleRun(ScaleShape shape, HeapProbe heap, PrintStream progress) {
    this.shape = shape;
    this.heap = heap;
    this.progress = progress;
  }

  /** Fills the inventory; returns how long validating and putting took. */
  Duration load() {
    SyntheticCluster cluster = new SyntheticCluster(shape);
    Random random = new Random(shape.seed() + 1);
    PolicyGenerator generator = new PolicyGenerator(cluster, random);
    List<PolicyDraft> drafts = generator.initial();
    changes = new PolicyChanges(drafts, generator, validation, random);
    heap.mark("harness: the drafts it writes policies from");
    long start = System.nanoTime();
    cluster.namespaces().forEach(ns -> inventory.putNamespace(PodMapping.namespace(ns)));
    cluster.pods(pod -> PodMapping.workload(pod).ifPresent(inventory::putWorkload));
    for (PolicyDraft d : drafts) {
      PolicyValidation.Checked checked = validation.check(d.toPolicy());
      if (!checked.valid()) {
        throw new IllegalStateException(d.ref() + " is invalid: " + checked.errors());
      }
      inventory.putPolicy(checked);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    heap.mark("inventory: namespaces, pods, validated policies");
    return took;
  }

  /** The pipeline's first run over the whole inventory; returns how long it took. */
  Duration firstRun() {
    long start = System.nanoTime();
    pipeline.run();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    heap.mark("desired state and store, first revision");
    return took;
  }

  /**
   * Starts the server, makes the daemons ({@code fleets} makes them for a server address), starts
   * them, and waits until every node acked the revision; returns how long that took from the
   * daemons' start. Making them (a JVM, a thousand clients and channels) is not timed in it.
   */
  Duration sync(Function<String, Fleet> fleets) throws IOException, InterruptedException {
    // Plain text on loopback, said explicitly: the benchmark measures the pipeline, not TLS.
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0), store, NodeStateSecurity.insecurePlainText());
    long revision = store.revision();
    long made = System.nanoTime();
    fleet = fleets.apply("127.0.0.1:" + server.port());
    long start = System.nanoTime();
    fleetMade = Duration.ofNanos(start - made);
    fleet.start();
    fleetStarted = Duration.ofNanos(System.nanoTime() - start);
    progress.printf(
        "%,d daemons made in %.1f s, started in %.1f s; waiting for their acks…%n",
        shape.nodes(), fleetMade.toNanos() / 1e9, fleetStarted.toNanos() / 1e9);
    long done = waiter.await(nodes(), revision, SYNC_TIMEOUT);
    Duration took = Duration.ofNanos(done - start);
    syncTraffic = fleet.traffic(); // so that the phases count only their changes' traffic
    SnapshotCosts.Totals costs = server.service().snapshotCosts();
    syncSnapshots =
        new SyncSnapshots(costs, Duration.ofNanos(Math.max(0, costs.lastSentAt() - start)));
    heap.mark("streams: " + shape.nodes() + " sessions after the initial sync");
    return took;
  }

  /** The operator's node-state server, as a daemon's --operator names it. */
  String target() {
    return "127.0.0.1:" + server.port();
  }

  PhaseResult phase(Publication publication, int warmups, int count, Duration budget)
      throws InterruptedException {
    progress.println("phase " + publication.name() + ": up to " + count + " changes");
    return new ChangePhase(inventory, waiter, fleet, changes, progress)
        .run(publication, warmups, count, budget);
  }

  Publication pipelinePublication() {
    return Publication.pipeline(pipeline);
  }

  Publication fullRecompute() {
    // The same allocator as the pipeline's: the baseline gives every label set the same number.
    return Publication.fullRecompute(
        inventory, new NodeStateComputer(allocator), store, pipeline::nodesOf);
  }

  /**
   * Every node whose daemon does not hold the operator's desired state: another revision than the
   * node's latest, or, when {@code withCounts} (daemons that build the state), other entry counts
   * than the operator's for the node.
   */
  List<String> mismatches(boolean withCounts) {
    Map<String, Fleet.Applied> applied = fleet.applied();
    List<String> out = new ArrayList<>();
    Map<String, Long> ipcache = store.ipcache(); // a copy: once, not once a node
    for (String node : nodes()) {
      Fleet.Applied a = applied.get(node);
      long revision = store.status(node).map(NodeStateStore.NodeStatus::revision).orElse(-1L);
      NodeCounts want = NodeCounts.of(ipcache, store.local(node));
      if (a == null || a.revision() != revision || withCounts && !a.counts().equals(want)) {
        out.add(node + ": daemon holds " + a + ", operator desires " + revision + " " + want);
      }
    }
    return out;
  }

  List<String> nodes() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < shape.nodes(); i++) {
      out.add(ScaleShape.nodeName(i));
    }
    return out;
  }

  /** What the daemons received until all had the first revision. */
  Fleet.Traffic syncTraffic() {
    return syncTraffic;
  }

  /** How long making the daemons took (outside the sync), and starting them (inside). */
  FleetStart fleetStart() {
    return new FleetStart(fleetMade, fleetStarted);
  }

  /** The operator's side of the initial sync: its snapshots. */
  SyncSnapshots syncSnapshots() {
    return syncSnapshots;
  }

  NodeStateStore store() {
    return store;
  }

  Fleet fleet() {
    return fleet;
  }

  @Override
  public void close() {
    if (fleet != null) {
      fleet.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
