package io.palisade.benchmarks.scale;

import java.util.Map;

/** The simulated node daemons of a run, wherever they live: in this JVM or in one of their own. */
interface Fleet extends AutoCloseable {

  /** The revision a daemon's maps hold and what it counted in them. */
  record Applied(long revision, NodeCounts counts) {}

  /**
   * What the daemons received and acked so far, and how long each apply took from the message read
   * off the wire to the state counted, for the applies since the last call.
   */
  record Traffic(long messages, long bytes, long acks, long[] applyNanos) {}

  /**
   * Starts every daemon's stream; made, the daemons have not connected yet. A real cluster starts
   * each daemon on a machine of its own, so what the harness pays to make a thousand clients in one
   * JVM stays out of the sync it times from here.
   */
  void start();

  Map<String, Applied> applied();

  Traffic traffic();

  @Override
  void close();
}
