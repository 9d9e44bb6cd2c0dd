package io.palisade.node.observe;

import io.palisade.proxy.ProxyEvent;
import java.io.PrintStream;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Writes the embedded proxy's events to the flow log as {@link L7FlowLine}s on a thread of its own:
 * the proxy tells of them on its event loops, which must never wait for a disk or a pipe. When the
 * writer falls 8,192 lines behind, further lines are counted as lost and the count is logged, never
 * the proxy slowed.
 */
public final class L7FlowWriter implements Consumer<ProxyEvent>, AutoCloseable {

  private record Line(ProxyEvent event, Instant time) {}

  private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(8192);
  private final AtomicLong lost = new AtomicLong();
  private final PrintStream sink;
  private final Thread writer;

  public L7FlowWriter(PrintStream sink) {
    this.sink = sink;
    this.writer = Thread.ofPlatform().daemon().name("l7-flow-log").start(this::drain);
  }

  @Override
  public void accept(ProxyEvent e) {
    if (!queue.offer(new Line(e, Instant.now()))) {
      lost.incrementAndGet();
    }
  }

  private void drain() {
    try {
      while (true) {
        Line l = queue.take();
        sink.println(L7FlowLine.toJson(l.event(), l.time()));
        long n = lost.getAndSet(0);
        if (n > 0) {
          sink.println("{\"time\":\"" + Instant.now() + "\",\"l7_lines_lost\":" + n + "}");
        }
      }
    } catch (InterruptedException stop) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    writer.interrupt();
  }
}
