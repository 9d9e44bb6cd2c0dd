package io.palisade.pipeline;

import io.palisade.pipeline.model.NodeChanges;
import io.palisade.policy.mapstate.L7Parser;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Where the pipeline's node state goes: the operator's store that streams it to remote daemons, the
 * datapath of this node in process, or memory alone when nothing enforces. The pipeline publishes
 * from one thread at a time; status readers may ask from any thread, so implementations must be
 * thread-safe.
 */
public interface NodeStateApplier {

  /** Told when nodes have a new revision to take, and when a node holds one (or failed to). */
  interface Listener {
    default void published(long revision, Set<String> changedNodes) {}

    default void acked(String node, long revision) {}

    /** {@code node} could not apply {@code revision} and keeps its previous state. */
    default void nacked(String node, long revision, String error) {}
  }

  /** Registers {@code listener}; it is called from the thread that published or acked. */
  void addListener(Listener listener);

  /**
   * Takes what changed in the desired state. Returns the revision that holds it: a new one if any
   * node's state changed, the current one otherwise. A failure leaves what was applied in place.
   */
  long publish(NodeChanges changes);

  /** The revision last published. */
  long revision();

  /** How many of {@code nodes} hold revision {@code since} or a later one in their datapath. */
  int enforcedCount(Collection<String> nodes, long since);

  /**
   * Why {@code node} has not reached revision {@code since}, when it reported a failure; empty when
   * it holds it or has only not got there yet.
   */
  Optional<String> failure(String node, long since);

  /**
   * The L7 parsers whose rules this applier's proxies enforce: HTTP (gRPC included) by default; an
   * embedded node proxy adds Kafka and DNS. Rules of the other parsers hold nowhere.
   */
  default Set<L7Parser> l7Parsers() {
    return Set.of(L7Parser.HTTP);
  }

  /**
   * The L7 parsers whose rules {@code node}'s proxy enforces, a subset of {@link #l7Parsers()}: an
   * operator's nodes differ (an embedded proxy takes Kafka and DNS, an Envoy HTTP alone); empty
   * when the node runs no proxy. The same for every node by default.
   */
  default Set<L7Parser> l7Parsers(String node) {
    return l7Parsers();
  }

  /**
   * How many of {@code nodes} have an L7 proxy that holds the HTTP rules of revision {@code since}
   * or a later one. None by default: without a proxy, redirected traffic is dropped.
   */
  default int l7EnforcedCount(Collection<String> nodes, long since) {
    return 0;
  }

  /**
   * Why {@code node}'s L7 proxy does not hold revision {@code since}, when that is a standing state
   * (no proxy, a refused config); empty when it holds it or has only not got there yet.
   */
  default Optional<String> l7Failure(String node, long since) {
    return Optional.of("no L7 proxy runs on the node, so its redirected traffic is dropped");
  }
}
