package io.palisade.benchmarks.scale;

import io.palisade.operator.inventory.ClusterInventory;
import io.palisade.operator.inventory.Pipeline;
import io.palisade.operator.model.NodeStateComputer;
import io.palisade.operator.nodestate.NodeStateStore;
import java.util.function.LongSupplier;

/**
 * How a phase turns the inventory, once changed, into a published revision.
 *
 * @param publish computes and publishes what the inventory now says; gives the revision holding it
 */
record Publication(String name, LongSupplier publish) {

  /** What the operator does on a change: its pipeline, whatever it computes incrementally. */
  static Publication pipeline(Pipeline pipeline) {
    return new Publication("Pipeline.run()", pipeline::run);
  }

  /** The baseline: the whole desired state computed again from the inventory, then published. */
  static Publication fullRecompute(
      ClusterInventory inventory, NodeStateComputer computer, NodeStateStore store) {
    return new Publication(
        "full recompute", () -> store.publish(computer.compute(inventory.snapshot().cluster())));
  }
}
