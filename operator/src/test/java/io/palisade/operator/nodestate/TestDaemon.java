package io.palisade.operator.nodestate;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.palisade.proto.nodestate.v1.Ack;
import io.palisade.proto.nodestate.v1.Hello;
import io.palisade.proto.nodestate.v1.NodeMessage;
import io.palisade.proto.nodestate.v1.NodeStateGrpc;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A node daemon's side of the stream over a real loopback connection, for tests. */
public final class TestDaemon implements AutoCloseable {

  public final List<OperatorMessage> received = new CopyOnWriteArrayList<>();
  volatile Throwable error;
  volatile boolean completed;
  private final ManagedChannel channel;
  private final boolean autoAck;
  private final boolean slow;
  private volatile ClientCallStreamObserver<NodeMessage> requests;

  /**
   * A daemon in plain text (for servers started insecure) that reads as fast as it can, acking
   * every revision when {@code autoAck}.
   */
  public TestDaemon(int port, boolean autoAck, boolean slow) {
    this(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(), autoAck, slow);
  }

  /** A daemon on a channel of the test's making (TLS, say). */
  public TestDaemon(ManagedChannel channel, boolean autoAck, boolean slow) {
    this.channel = channel;
    this.autoAck = autoAck;
    this.slow = slow;
  }

  public TestDaemon hello(String node, String epoch, long lastApplied) {
    NodeStateGrpc.newStub(channel).stream(new Observer());
    requests.onNext(
        NodeMessage.newBuilder()
            .setHello(
                Hello.newBuilder()
                    .setNodeName(node)
                    .setEpoch(epoch)
                    .setLastAppliedRevision(lastApplied))
            .build());
    return this;
  }

  public void ack(long revision, String error) {
    synchronized (this) {
      requests.onNext(
          NodeMessage.newBuilder()
              .setAck(Ack.newBuilder().setRevision(revision).setError(error))
              .build());
    }
  }

  /** Lets a slow daemon read on, from now at full speed. */
  public void readOn() {
    requests.request(Integer.MAX_VALUE);
  }

  public long lastRevision() {
    return received.isEmpty() ? -1 : received.getLast().getRevision();
  }

  public void disconnect() {
    requests.onCompleted();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Observer implements ClientResponseObserver<NodeMessage, OperatorMessage> {
    @Override
    public void beforeStart(ClientCallStreamObserver<NodeMessage> stream) {
      requests = stream;
      if (slow) {
        stream.disableAutoRequestWithInitial(1);
      }
    }

    @Override
    public void onNext(OperatorMessage m) {
      received.add(m);
      if (autoAck) {
        ack(m.getRevision(), "");
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
    }

    @Override
    public void onCompleted() {
      completed = true;
    }
  }
}
