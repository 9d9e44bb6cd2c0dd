package io.palisade.node.stream;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.palisade.proto.nodestate.v1.Ack;
import io.palisade.proto.nodestate.v1.Delta;
import io.palisade.proto.nodestate.v1.Hello;
import io.palisade.proto.nodestate.v1.NodeMessage;
import io.palisade.proto.nodestate.v1.NodeStateGrpc;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real gRPC server of the node-state service on loopback, answering a hello as the operator's
 * store does: the deltas after the node's revision when it has them and the epoch matches, else a
 * snapshot of the current state. (The operator's own server lives in a module that will depend on
 * this one for its in-process daemon, so this one cannot depend on it.)
 */
final class TestOperator implements AutoCloseable {

  final String epoch;
  final List<Hello> hellos = new CopyOnWriteArrayList<>();
  final List<Ack> acks = new CopyOnWriteArrayList<>();
  final List<OperatorMessage> sent = new CopyOnWriteArrayList<>();
  private final List<OperatorMessage> deltas = new ArrayList<>();
  private Snapshot current;
  private long revision;
  private final Set<StreamObserver<OperatorMessage>> streams = ConcurrentHashMap.newKeySet();
  private final Server server;

  TestOperator(
      int port, String epoch, long revision, Snapshot current, List<OperatorMessage> deltas)
      throws IOException {
    this.epoch = epoch;
    this.revision = revision;
    this.current = current;
    this.deltas.addAll(deltas);
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(new Service())
            .build()
            .start();
  }

  int port() {
    return server.getPort();
  }

  /**
   * A new revision: {@code delta} on the current one, giving {@code next}; sent to every stream.
   */
  synchronized OperatorMessage publish(Delta.Builder delta, Snapshot next) {
    OperatorMessage m =
        OperatorMessage.newBuilder()
            .setEpoch(epoch)
            .setRevision(revision + 1)
            .setDelta(delta.setBaseRevision(revision))
            .build();
    deltas.add(m);
    revision++;
    current = next;
    for (StreamObserver<OperatorMessage> s : streams) {
      send(s, m);
    }
    return m;
  }

  private synchronized void send(StreamObserver<OperatorMessage> s, OperatorMessage m) {
    sent.add(m);
    s.onNext(m);
  }

  private synchronized void hello(StreamObserver<OperatorMessage> out, Hello h) {
    hellos.add(h);
    streams.add(out);
    long held = h.getEpoch().equals(epoch) ? h.getLastAppliedRevision() : -1;
    if (held == revision) {
      return;
    }
    boolean chained = held > 0;
    List<OperatorMessage> chain = new ArrayList<>();
    for (OperatorMessage d : deltas) {
      if (d.getDelta().getBaseRevision() >= held) {
        chain.add(d);
      }
    }
    if (chained && !chain.isEmpty() && chain.getFirst().getDelta().getBaseRevision() == held) {
      chain.forEach(d -> send(out, d));
    } else {
      send(
          out,
          OperatorMessage.newBuilder()
              .setEpoch(epoch)
              .setRevision(revision)
              .setSnapshot(current)
              .build());
    }
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Service extends NodeStateGrpc.NodeStateImplBase {
    @Override
    public StreamObserver<NodeMessage> stream(StreamObserver<OperatorMessage> out) {
      return new StreamObserver<>() {
        @Override
        public void onNext(NodeMessage m) {
          switch (m.getKindCase()) {
            case HELLO -> hello(out, m.getHello());
            case ACK -> acks.add(m.getAck());
            default -> throw new IllegalStateException();
          }
        }

        @Override
        public void onError(Throwable t) {
          streams.remove(out);
        }

        @Override
        public void onCompleted() {
          streams.remove(out);
          out.onCompleted();
        }
      };
    }
  }
}
