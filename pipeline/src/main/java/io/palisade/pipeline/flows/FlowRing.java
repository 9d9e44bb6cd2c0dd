package io.palisade.pipeline.flows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent flows of this process, bounded (the oldest go first), and their followers: what {@code
 * palisade observe --since} reads and {@code --follow} waits on. A follower that does not keep up
 * loses flows rather than slowing the datapath's reader, and is told how many it lost.
 *
 * <p>Thread-safe: any number of threads add (a daemon's flow reader, the operator's pushing nodes),
 * read and follow.
 */
public final class FlowRing implements FlowSink {

  /** Flows a follower may fall behind by before it loses some. */
  static final int FOLLOWER_QUEUE = 4096;

  private final int capacity;
  private final ArrayDeque<Flow> recent;
  private final List<Follower> followers = new CopyOnWriteArrayList<>();

  public FlowRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the flow ring needs room for at least one flow");
    }
    this.capacity = capacity;
    this.recent = new ArrayDeque<>(Math.min(capacity, 65536));
  }

  @Override
  public void accept(Flow flow) {
    synchronized (recent) {
      if (recent.size() == capacity) {
        recent.removeFirst();
      }
      recent.addLast(flow);
      // Under the lock, so a follower that starts with the backlog meanwhile gets this flow once.
      for (Follower f : followers) {
        if (f.filter.matches(flow) && !f.queue.offer(flow)) {
          f.lost.incrementAndGet();
        }
      }
    }
  }

  /** The recent flows that pass {@code filter}, oldest first. */
  public List<Flow> recent(FlowFilter filter) {
    synchronized (recent) {
      return recent.stream().filter(filter::matches).toList();
    }
  }

  /**
   * Follows the flows that pass {@code filter} from now on, until the follower is closed; with
   * {@code backlog}, the recent ones first, without a gap or a repeat between the two.
   */
  public Follower follow(FlowFilter filter, boolean backlog) {
    Follower f = new Follower(filter);
    synchronized (recent) {
      if (backlog) {
        for (Flow flow : recent) {
          if (filter.matches(flow) && !f.queue.offer(flow)) {
            f.lost.incrementAndGet();
          }
        }
      }
      followers.add(f);
    }
    return f;
  }

  /** One follower's queue of flows. */
  public final class Follower implements AutoCloseable {
    private final FlowFilter filter;
    private final BlockingQueue<Flow> queue = new ArrayBlockingQueue<>(FOLLOWER_QUEUE);
    private final AtomicLong lost = new AtomicLong();

    private Follower(FlowFilter filter) {
      this.filter = filter;
    }

    /** The flows queued now, waiting up to {@code timeoutMillis} for a first one. */
    public List<Flow> next(long timeoutMillis) throws InterruptedException {
      List<Flow> out = new ArrayList<>();
      Flow first = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      if (first != null) {
        out.add(first);
        queue.drainTo(out);
      }
      return out;
    }

    /** Flows lost since the last call because this follower fell behind. */
    public long takeLost() {
      return lost.getAndSet(0);
    }

    @Override
    public void close() {
      followers.remove(this);
    }
  }
}
