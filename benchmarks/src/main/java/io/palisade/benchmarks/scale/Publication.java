package io.palisade.benchmarks.scale;

import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.pipeline.model.PolicyRef;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * How a phase turns the inventory, once changed, into a published revision.
 *
 * @param publish computes and publishes what the inventory now says; gives the revision holding it
 * @param nodesOf the nodes a policy must be enforced on, as last published this way
 */
record Publication(String name, LongSupplier publish, Function<PolicyRef, Set<String>> nodesOf) {

  /** What the operator does on a change: its pipeline, whatever it computes incrementally. */
  static Publication pipeline(Pipeline pipeline) {
    return new Publication("Pipeline.run()", pipeline::run, pipeline::nodesOf);
  }

  /**
   * The baseline: the whole desired state computed again from the inventory, then published. Until
   * it has computed one, a policy's nodes are {@code before}'s. Once it has published, the
   * pipeline's own state is behind the store's: it runs after the pipeline's phase, never before.
   */
  static Publication fullRecompute(
      ClusterInventory inventory,
      NodeStateComputer computer,
      NodeStateStore store,
      Function<PolicyRef, Set<String>> before) {
    AtomicReference<DesiredState> last = new AtomicReference<>();
    return new Publication(
        "full recompute",
        () -> {
          last.set(computer.compute(inventory.snapshot().cluster()));
          return store.publish(last.get());
        },
        ref -> last.get() == null ? before.apply(ref) : last.get().nodesOf(ref));
  }
}
