package io.palisade.node.observe;

import io.palisade.node.datapath.Datapath;
import io.palisade.pipeline.flows.FlowSink;
import java.util.function.Consumer;

/**
 * Drains the datapath's events on a thread of its own into a {@link FlowSink}, named and sampled:
 * for the modes whose main thread does something else (stream mode, {@code standalone --enforce}).
 * The ring buffer is read only by this thread, and closed only once it has stopped.
 */
public final class FlowDrain implements AutoCloseable {

  private final Thread thread;
  private volatile boolean running = true;

  private FlowDrain(
      Datapath datapath,
      FlowNamer namer,
      FlowSampler sampler,
      FlowSink sink,
      Consumer<String> problems) {
    this.thread =
        Thread.ofPlatform()
            .daemon()
            .name("palisade-flows")
            .unstarted(
                () -> {
                  try (FlowLog log =
                      new FlowLog(
                          datapath.eventsFd(),
                          e -> {
                            if (sampler.keep(e)) {
                              sink.accept(namer.name(e.naming(datapath.appliedPolicies())));
                            }
                          })) {
                    while (running) {
                      log.poll(200);
                    }
                  } catch (RuntimeException e) {
                    // Loud: a flow reader that died must not read as a quiet network.
                    problems.accept("the flow reader stopped, no more flows are reported: " + e);
                  }
                });
  }

  /** Starts draining {@code datapath}'s events; problems go to {@code problems} as one line. */
  public static FlowDrain start(
      Datapath datapath,
      FlowNamer namer,
      FlowSampler sampler,
      FlowSink sink,
      Consumer<String> problems) {
    FlowDrain d = new FlowDrain(datapath, namer, sampler, sink, problems);
    d.thread.start();
    return d;
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
