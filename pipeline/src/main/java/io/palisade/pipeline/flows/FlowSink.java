package io.palisade.pipeline.flows;

/**
 * Where named flows go: the flow log, the ring of recent flows, a relay. Called on the thread that
 * drains the datapath's ring buffer (or, for L7 verdicts, the proxy's), so an implementation must
 * not block: it queues or drops, and says so.
 */
@FunctionalInterface
public interface FlowSink {
  void accept(Flow flow);

  /** Both sinks, this one first. */
  default FlowSink andThen(FlowSink next) {
    return f -> {
      accept(f);
      next.accept(f);
    };
  }
}
