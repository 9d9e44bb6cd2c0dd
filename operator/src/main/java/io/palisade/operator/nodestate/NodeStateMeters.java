package io.palisade.operator.nodestate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.pipeline.NodeStateApplier;

/**
 * The node-state stream's meters: daemons connected now, and revisions acked (applied) and nacked
 * (refused, the node keeping its previous state). Counted once for all nodes: a per-node label
 * would grow with the cluster, and a node's own failure is in its log and the policy status.
 */
public final class NodeStateMeters implements NodeStateApplier.Listener {

  private final Counter acks;
  private final Counter nacks;

  private NodeStateMeters(MeterRegistry registry) {
    this.acks =
        Counter.builder("palisade.nodestate.acks")
            .description("Revisions a node daemon reported in its maps.")
            .register(registry);
    this.nacks =
        Counter.builder("palisade.nodestate.nacks")
            .description("Revisions a node daemon could not apply, keeping its previous state.")
            .register(registry);
  }

  /** Registers the meters of {@code store} and of the streams {@code service} serves. */
  public static void bind(MeterRegistry registry, NodeStateStore store, NodeStateService service) {
    store.addListener(new NodeStateMeters(registry));
    Gauge.builder("palisade.nodestate.streams", service, NodeStateService::openStreams)
        .description("Node daemons connected to the node-state stream.")
        .strongReference(true)
        .register(registry);
  }

  @Override
  public void acked(String node, long revision) {
    acks.increment();
  }

  @Override
  public void nacked(String node, long revision, String error) {
    nacks.increment();
  }
}
