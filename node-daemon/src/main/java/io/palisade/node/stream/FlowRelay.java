package io.palisade.node.stream;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowSink;
import io.palisade.proto.flows.v1.FlowBatch;
import io.palisade.proto.flows.v1.FlowsGrpc;
import io.palisade.proto.flows.v1.PushSummary;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a stream-mode daemon's flows to the operator ({@code palisade.flows.v1.Flows/Push}), which
 * names them from its rules. The datapath's reader only offers a flow to a bounded queue: when the
 * operator is away or slow the queue fills and further flows are dropped and counted ({@code
 * palisade_flow_relay_dropped_total}), never waited for. A thread of its own sends the queue in
 * batches on one client stream, and opens it again with backoff whenever it ends.
 *
 * <p>Flows written to a stream that then breaks may be lost with it; the count covers only the
 * queue.
 */
public final class FlowRelay implements FlowSink, AutoCloseable {

  /** Flows waiting for the operator; at about 1 KB each, 16 MB at most. */
  public static final int QUEUE = 16_384;

  /** Flows per message: large enough to amortise a message, small enough to stay under 1 MB. */
  public static final int BATCH = 512;

  private final String node;
  private final FlowsGrpc.FlowsStub stub;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final PrintStream log;
  private final BlockingQueue<Flow> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong droppedUnreported = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong connects = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public FlowRelay(
      String node, Channel channel, Duration minBackoff, Duration maxBackoff, PrintStream log) {
    this.node = node;
    this.stub = FlowsGrpc.newStub(channel);
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    this.log = log;
    this.thread = Thread.ofPlatform().daemon().name("palisade-flow-relay").unstarted(this::run);
  }

  public FlowRelay start() {
    thread.start();
    return this;
  }

  /** Queues {@code flow} for the operator, or drops and counts it when the queue is full. */
  @Override
  public void accept(Flow flow) {
    if (!queue.offer(flow)) {
      dropped.incrementAndGet();
      droppedUnreported.incrementAndGet();
    }
  }

  /** Flows dropped because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Flows written to a stream to the operator. */
  public long sent() {
    return sent.get();
  }

  /** Streams opened that the operator took. */
  public long connects() {
    return connects.get();
  }

  public void bindMeters(MeterRegistry registry) {
    FunctionCounter.builder("palisade.flow.relay.dropped", this, FlowRelay::dropped)
        .description("Flows not relayed to the operator because the relay's queue was full.")
        .register(registry);
    FunctionCounter.builder("palisade.flow.relay.sent", this, FlowRelay::sent)
        .description("Flows sent to the operator.")
        .register(registry);
  }

  private void run() {
    Duration backoff = minBackoff;
    while (running) {
      boolean connected = false;
      try {
        connected = relayUntilTheStreamEnds();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.println("palisade-node: flow relay: " + e);
      }
      if (!running) {
        return;
      }
      backoff = connected ? minBackoff : min(backoff.multipliedBy(2), maxBackoff);
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Whether the operator took the stream before it ended. */
  private boolean relayUntilTheStreamEnds() throws InterruptedException {
    PushStream stream = new PushStream();
    stub.push(stream);
    if (!stream.awaitReady()) {
      return false;
    }
    connects.incrementAndGet();
    List<Flow> batch = new ArrayList<>(BATCH);
    while (running && !stream.ended()) {
      Flow first = queue.poll(200, TimeUnit.MILLISECONDS);
      if (first == null) {
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, BATCH - 1);
      FlowBatch.Builder message =
          FlowBatch.newBuilder().setNode(node).setDropped(droppedUnreported.getAndSet(0));
      batch.forEach(f -> message.addFlows(f.toJson()));
      if (!stream.send(message.build())) {
        break;
      }
      sent.addAndGet(batch.size());
      batch.clear();
    }
    stream.finish();
    // A refusal is not progress: the next try waits longer, as for an operator that is away.
    return !stream.refused();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One client stream: ready once the operator took it, ended once either side ended it. */
  private final class PushStream implements ClientResponseObserver<FlowBatch, PushSummary> {
    private ClientCallStreamObserver<FlowBatch> call;
    private volatile boolean ended;
    private volatile boolean refused;

    @Override
    public void beforeStart(ClientCallStreamObserver<FlowBatch> call) {
      this.call = call;
      call.setOnReadyHandler(this::wake);
    }

    boolean ended() {
      return ended;
    }

    /** The operator refused this node's flows (its certificate, an operator without Flows). */
    boolean refused() {
      return refused;
    }

    /** Waits until the stream takes messages; false when it ended first. */
    synchronized boolean awaitReady() throws InterruptedException {
      while (!ended && !call.isReady()) {
        wait(1_000);
      }
      return !ended;
    }

    /** Writes {@code batch} once gRPC has room for it; false when the stream ended first. */
    boolean send(FlowBatch batch) throws InterruptedException {
      if (!awaitReady()) {
        return false;
      }
      call.onNext(batch);
      return true;
    }

    void finish() {
      if (!ended) {
        call.onCompleted();
      }
    }

    private synchronized void wake() {
      notifyAll();
    }

    @Override
    public void onNext(PushSummary summary) {}

    @Override
    public void onError(Throwable t) {
      Status.Code code = Status.fromThrowable(t).getCode();
      refused =
          code == Status.Code.PERMISSION_DENIED
              || code == Status.Code.INVALID_ARGUMENT
              || code == Status.Code.UNIMPLEMENTED;
      if (running) {
        log.println("palisade-node: flow relay to the operator ended: " + t.getMessage());
      }
      ended = true;
      wake();
    }

    @Override
    public void onCompleted() {
      ended = true;
      wake();
    }
  }
}
