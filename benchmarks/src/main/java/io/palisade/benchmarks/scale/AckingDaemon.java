package io.palisade.benchmarks.scale;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.palisade.proto.nodestate.v1.Ack;
import io.palisade.proto.nodestate.v1.Hello;
import io.palisade.proto.nodestate.v1.NodeMessage;
import io.palisade.proto.nodestate.v1.NodeStateGrpc;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import java.util.concurrent.TimeUnit;

/**
 * A node that acks each message as soon as gRPC has read and parsed it, and builds no state from
 * it. With these the harness times the operator's side of a sync or a change (making the messages,
 * sending them, taking the acks) without a thousand daemons' own work on the same two cores: in a
 * cluster each daemon has a machine of its own, and what one costs is timed apart (the footprint
 * probe's first apply, the node view's benchmarks).
 */
final class AckingDaemon implements FleetMember {

  private final String node;
  private final ManagedChannel channel;
  private final DaemonStats stats;
  private volatile long readAt;
  private volatile long revision;
  private StreamObserver<NodeMessage> requests;

  AckingDaemon(String node, String target, DaemonStats stats) {
    this.node = node;
    this.stats = stats;
    this.channel = TrafficInterceptor.channel(target, stats, () -> readAt = System.nanoTime());
  }

  @Override
  public synchronized AckingDaemon start() {
    requests = NodeStateGrpc.newStub(channel).stream(new Acks());
    requests.onNext(
        NodeMessage.newBuilder().setHello(Hello.newBuilder().setNodeName(node)).build());
    return this;
  }

  private final class Acks implements StreamObserver<OperatorMessage> {
    @Override
    public void onNext(OperatorMessage m) {
      revision = m.getRevision();
      stats.applied(System.nanoTime() - readAt);
      synchronized (AckingDaemon.this) {
        requests.onNext(
            NodeMessage.newBuilder().setAck(Ack.newBuilder().setRevision(m.getRevision())).build());
      }
    }

    @Override
    public void onError(Throwable t) {
      // The harness's wait for acks then times out, naming the nodes that never acked.
      System.err.println(node + ": stream ended: " + t);
    }

    @Override
    public void onCompleted() {}
  }

  /** The revision last acked; no counts, since no state was built. */
  @Override
  public Fleet.Applied applied() {
    return new Fleet.Applied(revision, NodeCounts.NONE);
  }

  @Override
  public synchronized void close() {
    if (requests != null) {
      requests.onCompleted();
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
