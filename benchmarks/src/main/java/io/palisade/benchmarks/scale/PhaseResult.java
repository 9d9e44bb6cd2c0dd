package io.palisade.benchmarks.scale;

import java.util.Map;

/**
 * The measured changes of one phase.
 *
 * @param changeToAcks from just before the inventory put to the last ack of the policy's nodes
 * @param publish from just before the inventory put to the revision published
 * @param nodes how many nodes each change had to reach (where the policy was or is enforced)
 * @param messages messages the daemons received during the measured changes
 * @param bytes their wire bytes
 * @param applyNanos on the daemons: each message from read off the wire to applied
 * @param kinds the same changes by kind, so that a tail can be told apart by what changed
 * @param budgetReached whether the phase stopped on its time budget before its count
 */
record PhaseResult(
    String name,
    int warmups,
    Samples changeToAcks,
    Samples publish,
    Samples nodes,
    long messages,
    long bytes,
    Samples applyNanos,
    Map<PolicyChanges.Kind, OfKind> kinds,
    boolean budgetReached) {

  /** The measured changes of one kind. */
  record OfKind(Samples changeToAcks, Samples publish) {
    OfKind() {
      this(new Samples(), new Samples());
    }
  }
}
