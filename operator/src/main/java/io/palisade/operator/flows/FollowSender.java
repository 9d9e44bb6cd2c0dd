package io.palisade.operator.flows;

import io.grpc.stub.ServerCallStreamObserver;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowsApi;
import io.palisade.proto.flows.v1.FlowMessage;
import java.io.IOException;

/**
 * A followed {@code Observe} stream's sender. It waits while gRPC's buffer toward a slow observer
 * is full, so the flows wait in the ring's bounded follower queue, where they are counted when
 * lost, rather than piling up in memory without limit.
 */
final class FollowSender implements FlowsApi.Events {

  private final ServerCallStreamObserver<FlowMessage> call;
  private final Object readiness = new Object();

  FollowSender(ServerCallStreamObserver<FlowMessage> call) {
    this.call = call;
  }

  /** gRPC's handler: the observer takes messages again. */
  void ready() {
    synchronized (readiness) {
      readiness.notifyAll();
    }
  }

  @Override
  public void flow(Flow flow) throws IOException {
    send(FlowMessage.newBuilder().setFlow(flow.toJson()).build());
  }

  @Override
  public void lost(long count) throws IOException {
    send(FlowMessage.newBuilder().setLost(count).build());
  }

  @Override
  public void quiet() throws IOException {
    // gRPC's keepalives keep a quiet stream open; this only notices an observer that left.
    if (call.isCancelled()) {
      throw new IOException("the observer went away");
    }
  }

  private void send(FlowMessage message) throws IOException {
    synchronized (readiness) {
      while (!call.isReady()) {
        if (call.isCancelled()) {
          throw new IOException("the observer went away");
        }
        try {
          readiness.wait(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("the observer went away", e);
        }
      }
    }
    call.onNext(message);
  }
}
