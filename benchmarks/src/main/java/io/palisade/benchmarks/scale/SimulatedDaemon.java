package io.palisade.benchmarks.scale;

import io.grpc.ManagedChannel;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.discovery.Placement;
import io.palisade.node.stream.NodeStateClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * One node daemon without a kernel: the node daemon's real {@link NodeStateClient} (hello, epoch
 * and revision, base-revision checks, acks, reconnects) on a channel of its own, applying into
 * memory. It counts what it applied, and keeps the whole state only when asked to (a test compares
 * it with the operator's).
 */
final class SimulatedDaemon implements FleetMember {

  private final NodeStateClient client;
  private final DaemonStats stats;
  private final boolean keepState;
  private volatile long readAt;
  private volatile NodeCounts counts = NodeCounts.NONE;
  private volatile Optional<DatapathState> state = Optional.empty();

  SimulatedDaemon(String node, String target, boolean keepState, DaemonStats stats) {
    this.stats = stats;
    this.keepState = keepState;
    ManagedChannel channel =
        TrafficInterceptor.channel(target, stats, () -> readAt = System.nanoTime());
    this.client =
        new NodeStateClient(
            node,
            channel,
            this::apply,
            (endpoint, address) -> new Placement.Here("lxc-" + node),
            Optional.empty(),
            new PrintStream(OutputStream.nullOutputStream()),
            Duration.ofMillis(100),
            Duration.ofSeconds(2));
  }

  @Override
  public SimulatedDaemon start() {
    client.start();
    return this;
  }

  /** Records what a daemon would write; a simulated node attaches to no interface. */
  private Map<String, String> apply(DatapathState desired) {
    counts = NodeCounts.of(desired);
    if (keepState) {
      state = Optional.of(desired);
    }
    stats.applied(System.nanoTime() - readAt);
    return Map.of();
  }

  @Override
  public Fleet.Applied applied() {
    return new Fleet.Applied(client.revision(), counts);
  }

  /** The state last applied; empty unless kept. */
  Optional<DatapathState> state() {
    return state;
  }

  @Override
  public void close() {
    client.close();
  }
}
