package io.palisade.operator.nodestate;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.palisade.pipeline.L7Proxy;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.proto.nodestate.v1.NodeMessage;
import io.palisade.proto.nodestate.v1.NodeStateGrpc;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The node-state stream: one session per connected daemon. A session sends only while its stream is
 * ready and pulls what its node lacks from the store, so a slow node falls behind (and later gets a
 * snapshot) without holding up anyone else.
 */
public final class NodeStateService extends NodeStateGrpc.NodeStateImplBase
    implements NodeStateApplier.Listener {

  private final NodeStateStore store;
  private final Executor executor;
  private final boolean pinNodes;
  private final Map<String, Set<Session>> sessions = new ConcurrentHashMap<>();
  private final SnapshotGate snapshots;
  private final SnapshotCosts costs = new SnapshotCosts();

  /** With {@code pinNodes}, a daemon may say hello only as the node its certificate names. */
  public NodeStateService(NodeStateStore store, Executor executor, boolean pinNodes) {
    this(store, executor, pinNodes, SnapshotGate.DEFAULT_PERMITS);
  }

  /**
   * As {@link #NodeStateService(NodeStateStore, Executor, boolean)}, with at most {@code
   * snapshotsInFlight} snapshots sent and not yet acked at once.
   */
  public NodeStateService(
      NodeStateStore store, Executor executor, boolean pinNodes, int snapshotsInFlight) {
    this.store = store;
    this.executor = executor;
    this.pinNodes = pinNodes;
    this.snapshots = new SnapshotGate(snapshotsInFlight);
    store.addListener(this);
  }

  @Override
  public StreamObserver<NodeMessage> stream(StreamObserver<OperatorMessage> responses) {
    ServerCallStreamObserver<OperatorMessage> out =
        (ServerCallStreamObserver<OperatorMessage>) responses;
    Session session = new Session(out, PeerNode.NODE.get());
    out.setOnReadyHandler(session::schedule);
    out.setOnCancelHandler(session::close);
    return session;
  }

  @Override
  public void published(long revision, Set<String> changedNodes) {
    for (String node : changedNodes) {
      sessions.getOrDefault(node, Set.of()).forEach(Session::schedule);
    }
  }

  /** How many snapshots are sent and not yet acked. */
  public int snapshotsInFlight() {
    return snapshots.inFlight();
  }

  /** What the snapshots sent so far cost to make and hand to gRPC. */
  public SnapshotCosts.Totals snapshotCosts() {
    return costs.totals();
  }

  /** How many streams are open, over all nodes. */
  public int openStreams() {
    return sessions.values().stream().mapToInt(Set::size).sum();
  }

  private final class Session implements StreamObserver<NodeMessage> {
    private final ServerCallStreamObserver<OperatorMessage> out;
    private final Optional<String> certifiedNode;
    private final Runnable wake = this::schedule;
    private String node;
    private long held = -1;
    // The shared ipcache version the daemon's hello named in this epoch; only the first message
    // after the hello may rely on it.
    private long heldIpcache;
    // The revision of the snapshot holding a place in the gate until the node acks it; -1: none.
    private long snapshotInFlight = -1;
    private boolean closed;

    Session(ServerCallStreamObserver<OperatorMessage> out, Optional<String> certifiedNode) {
      this.out = out;
      this.certifiedNode = certifiedNode == null ? Optional.empty() : certifiedNode;
    }

    @Override
    public void onNext(NodeMessage message) {
      switch (message.getKindCase()) {
        case HELLO -> hello(message.getHello());
        case ACK -> {
          if (node == null) {
            fail("the first message must be a hello");
            return;
          }
          var ack = message.getAck();
          settleSnapshot(ack.getRevision(), !ack.getError().isEmpty());
          store.ack(node, ack.getRevision(), ack.getError(), ack.getPendingCount() > 0);
        }
        default -> fail("a message must be a hello or an ack");
      }
    }

    private void hello(io.palisade.proto.nodestate.v1.Hello hello) {
      if (node != null) {
        fail("hello was already said on this stream");
        return;
      }
      if (hello.getNodeName().isEmpty()) {
        fail("hello must name the node");
        return;
      }
      if (pinNodes && !certifiedNode.equals(Optional.of(hello.getNodeName()))) {
        fail(
            Status.PERMISSION_DENIED,
            "the certificate of "
                + certifiedNode.orElse("an unnamed peer")
                + " does not speak for node "
                + hello.getNodeName());
        return;
      }
      synchronized (this) {
        node = hello.getNodeName();
        held =
            store.connect(node, hello.getEpoch(), hello.getLastAppliedRevision(), l7Proxy(hello));
        heldIpcache = hello.getEpoch().equals(store.epoch()) ? hello.getIpcacheVersion() : 0;
      }
      sessions.computeIfAbsent(node, n -> ConcurrentHashMap.newKeySet()).add(this);
      schedule();
    }

    private static L7Proxy l7Proxy(io.palisade.proto.nodestate.v1.Hello hello) {
      return switch (hello.getL7Proxy()) {
        case L7_PROXY_EMBEDDED -> L7Proxy.EMBEDDED;
        case L7_PROXY_ENVOY -> L7Proxy.ENVOY;
        // A value from a newer daemon is not trusted to enforce anything.
        case L7_PROXY_NONE, UNRECOGNIZED -> L7Proxy.NONE;
      };
    }

    void schedule() {
      try {
        executor.execute(this::pump);
      } catch (RejectedExecutionException e) {
        // The server is shutting down: nothing more goes out.
      }
    }

    /** Sends what the node lacks while its stream takes more. */
    private synchronized void pump() {
      if (closed || node == null) {
        return;
      }
      while (out.isReady()) {
        // The place first: a snapshot made while the gate is full would be thrown away, and at
        // the first sync most nodes wait.
        boolean placed = store.needsSnapshot(node, held);
        if (placed && !snapshots.enter(wake)) {
          return; // woken when a place frees
        }
        long start = System.nanoTime();
        var next = store.next(node, held, heldIpcache);
        boolean snapshot = next.isPresent() && next.get().hasSnapshot();
        if (placed && !snapshot && snapshotInFlight < 0) {
          snapshots.leave(wake); // a publish in between: the node needs no snapshot after all
        }
        if (next.isEmpty()) {
          return;
        }
        if (snapshot) {
          if (!snapshots.enter(wake)) {
            costs.made(System.nanoTime() - start);
            return; // woken when a place frees; the snapshot is made anew then
          }
          snapshotInFlight = next.get().getRevision();
        }
        out.onNext(next.get());
        if (snapshot) {
          costs.sent(System.nanoTime() - start);
        }
        held = next.get().getRevision();
        heldIpcache = 0;
      }
    }

    /**
     * An ack or nack of {@code revision} ends the snapshot this node was taking, if it covers it.
     */
    private void settleSnapshot(long revision, boolean failed) {
      synchronized (this) {
        if (snapshotInFlight < 0 || (revision < snapshotInFlight && !failed)) {
          return;
        }
        snapshotInFlight = -1;
      }
      snapshots.leave(wake);
    }

    private void fail(String why) {
      fail(Status.INVALID_ARGUMENT, why);
    }

    private void fail(Status status, String why) {
      synchronized (this) {
        if (closed) {
          return;
        }
        out.onError(status.withDescription(why).asRuntimeException());
      }
      close();
    }

    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      snapshotInFlight = -1;
      snapshots.leave(wake);
      if (node != null) {
        Set<Session> mine = sessions.get(node);
        if (mine != null) {
          mine.remove(this);
        }
        store.disconnect(node);
      }
    }

    @Override
    public void onError(Throwable t) {
      close();
    }

    @Override
    public void onCompleted() {
      boolean wasOpen;
      synchronized (this) {
        wasOpen = !closed;
      }
      close();
      if (wasOpen) {
        out.onCompleted();
      }
    }
  }
}
