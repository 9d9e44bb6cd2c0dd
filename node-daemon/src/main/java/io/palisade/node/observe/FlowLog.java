package io.palisade.node.observe;

import io.palisade.node.bpf.RingBuffer;
import io.palisade.node.maps.Layouts;
import java.util.function.Consumer;

/**
 * Drains verdict events from the datapath's ring buffer and hands each, decoded, to a sink (a JSON
 * lines writer in the daemon). Events are drops and the first packet of each allowed flow.
 */
public final class FlowLog implements AutoCloseable {

  private final RingBuffer ring;
  private final long monoToWall;

  public FlowLog(int eventsMapFd, Consumer<FlowEvent> sink) {
    // The kernel stamps events with CLOCK_MONOTONIC, which is also what System.nanoTime reads.
    this.monoToWall = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
    this.ring =
        new RingBuffer(
            eventsMapFd,
            data -> {
              if (data.byteSize() >= Layouts.EVENT.byteSize()) {
                sink.accept(FlowEvent.decode(data, monoToWall));
              }
            });
  }

  /** Waits up to {@code timeoutMillis} for events and delivers them; returns how many. */
  public int poll(int timeoutMillis) {
    return ring.poll(timeoutMillis);
  }

  @Override
  public void close() {
    ring.close();
  }
}
