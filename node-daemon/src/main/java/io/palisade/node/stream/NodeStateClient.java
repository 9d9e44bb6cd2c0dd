package io.palisade.node.stream;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.palisade.node.datapath.DatapathApplier;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.PendingEndpoint;
import io.palisade.node.discovery.InterfaceFinder;
import io.palisade.pipeline.L7Proxy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.proto.nodestate.v1.Ack;
import io.palisade.proto.nodestate.v1.Hello;
import io.palisade.proto.nodestate.v1.NodeMessage;
import io.palisade.proto.nodestate.v1.NodeStateGrpc;
import io.palisade.proto.nodestate.v1.OperatorMessage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;

/**
 * The node daemon's side of the node-state stream. It says hello with its node name and the epoch
 * and revision its maps hold, applies each snapshot or delta through the {@link Applier}, acks the
 * revision once applied and every endpoint enforced (or nacks it with the error, keeping the
 * previous state, and resyncs), and reconnects with exponential backoff whenever the stream ends. A
 * revision in the maps with endpoints whose interface cannot be found is answered with their names
 * as pending, not acked; every refresh interval the state is bound again, re-attaching recreated
 * veths and detaching deleted pods', and the revision is acked once nothing is pending. The applied
 * state is kept in a small file (an {@link OperatorMessage} holding the snapshot of it), so that a
 * restarted daemon whose pins survived resumes from its revision instead of asking for a snapshot.
 */
public final class NodeStateClient implements AutoCloseable {

  /** Puts a desired state into the maps; throws when it could not. */
  @FunctionalInterface
  public interface Applier {
    /** Returns the interfaces the programs could not be attached to, with why. */
    Map<String, String> apply(DatapathState desired) throws Exception;

    /** Whether the programs are still on every veth of {@code applied} (none recreated or gone). */
    default boolean attachmentsCurrent(DatapathState applied) {
      return true;
    }

    /**
     * Puts the node's L7 proxy config for {@code local} in force, before the maps of the same
     * revision are written ({@link io.palisade.node.datapath.ProxyFirst}); {@code peers} is the
     * ipcache, prefix to identity. Returns the proxy's refusal, or "" when it holds the config (or
     * the node runs no proxy, the default: then redirected traffic drops).
     */
    default String applyProxy(LocalState local, Map<String, Long> peers) {
      return "";
    }

    /**
     * Whether the proxy's readiness changes without a new revision (an Envoy the daemon does not
     * run): then {@link #applyProxy} is called again at every refresh.
     */
    default boolean proxyChangesOnItsOwn() {
      return false;
    }

    /**
     * The addresses the node's DNS proxy learned for {@code toFQDNs} selectors, prefix to selector
     * identity, to write under the stream's ipcache; none by default.
     */
    default Map<String, Long> learnedIpcache() {
      return Map.of();
    }
  }

  private final String node;
  private final ManagedChannel channel;
  private final Applier applier;
  private final InterfaceFinder interfaces;
  private final Optional<Path> stateFile;
  private final PrintStream log;
  private final Duration minBackoff;
  private final Duration maxBackoff;

  private final Object lock = new Object();
  private NodeView view = NodeView.empty();
  private String epoch = "";
  private long revision;
  private DatapathState lastDesired;
  private List<PendingEndpoint> pending = List.of();

  /** Why the proxy does not hold the revision in the maps ("" when it does): sent in its ack. */
  private String proxyError = "";

  /**
   * Whether the proxy has not been given the view read back from the state file yet: a restarted
   * daemon whose revision is current gets no message, and its proxy (its DNS rules and toFQDNs
   * selectors included) must hold the maps' redirects all the same.
   */
  private boolean proxyBehind;

  /** Whether the last message handled is in the maps (acked, even with an error). */
  private boolean lastInMaps;

  private volatile Stream current;
  private volatile boolean closed;
  private Thread loop;
  private Thread refresher;
  private volatile L7Proxy l7Proxy = L7Proxy.NONE;

  /**
   * @param interfaces places the addresses of the node's endpoints ({@code EndpointDiscovery} in
   *     production)
   * @param stateFile where the applied revision and state are kept (empty: memory only)
   */
  public NodeStateClient(
      String node,
      ManagedChannel channel,
      Applier applier,
      InterfaceFinder interfaces,
      Optional<Path> stateFile,
      PrintStream log,
      Duration minBackoff,
      Duration maxBackoff) {
    this.node = node;
    this.channel = channel;
    this.applier = applier;
    this.interfaces = interfaces;
    this.stateFile = stateFile;
    this.log = log;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
    stateFile.ifPresent(this::load);
  }

  /**
   * Says in every hello that {@code proxy} enforces the node's L7 rules, so the operator counts
   * them as enforced where it holds them; NONE (the default) says redirected traffic is dropped.
   */
  public NodeStateClient announcing(L7Proxy proxy) {
    this.l7Proxy = proxy;
    return this;
  }

  /** The channel {@code options} ask for: mutual TLS, or plain text if they allow it. */
  public static ManagedChannel channel(StreamOptions options) {
    return options.tls().isPresent()
        ? channel(options.operator(), options.tls().get())
        : insecureChannel(options.operator());
  }

  /**
   * A plain-text channel to the operator at {@code host:port}: whoever is on the path can read the
   * node's state and change what it enforces. For {@code --insecure} and tests only.
   */
  public static ManagedChannel insecureChannel(String hostPort) {
    return builder(hostPort).usePlaintext().build();
  }

  /** A mutual-TLS channel to the operator at {@code host:port}. */
  public static ManagedChannel channel(String hostPort, ClientTls tls) {
    try {
      return builder(hostPort)
          .sslContext(
              GrpcSslContexts.forClient()
                  .trustManager(tls.ca().toFile())
                  .keyManager(tls.certificate().toFile(), tls.key().toFile())
                  .build())
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use the TLS files (--tls-cert "
              + tls.certificate()
              + ", --tls-key "
              + tls.key()
              + ", --tls-ca "
              + tls.ca()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A mutual-TLS channel whose certificate comes from {@code keys} at each handshake (so a renewed
   * certificate serves the next reconnection), trusting only {@code ca} for the operator's.
   */
  public static ManagedChannel channel(String hostPort, KeyManager keys, X509Certificate ca) {
    try {
      return builder(hostPort)
          .sslContext(GrpcSslContexts.forClient().trustManager(ca).keyManager(keys).build())
          .build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("cannot use the node certificate: " + e.getMessage(), e);
    }
  }

  private static NettyChannelBuilder builder(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("--operator " + hostPort + ": expected HOST:PORT");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return NettyChannelBuilder.forAddress(host, Integer.parseInt(hostPort.substring(colon + 1)))
        .keepAliveTime(30, TimeUnit.SECONDS);
  }

  /** The revision whose state is in the maps, 0 for none. */
  public long revision() {
    synchronized (lock) {
      return revision;
    }
  }

  public String epoch() {
    synchronized (lock) {
      return epoch;
    }
  }

  /** The addresses of the node's endpoints that are not enforced, and why. */
  public List<PendingEndpoint> pending() {
    synchronized (lock) {
      return pending;
    }
  }

  /**
   * Connects, and keeps reconnecting, on a thread of its own until {@link #close}; binds the state
   * again every {@code refreshEvery} on {@code refreshThread}, a thread in the network namespace of
   * the pods' veths (made by the caller: interface lookups are per thread).
   */
  public NodeStateClient start(Duration refreshEvery, ThreadFactory refreshThread) {
    loop = Thread.ofVirtual().name("node-state-" + node).start(this::run);
    refresher =
        refreshThread.newThread(
            () -> {
              while (!closed) {
                try {
                  Thread.sleep(refreshEvery);
                } catch (InterruptedException e) {
                  return;
                }
                refresh();
              }
            });
    refresher.start();
    return this;
  }

  /** Connects with a refresh every second on a platform thread of this network namespace. */
  public NodeStateClient start() {
    return start(
        Duration.ofSeconds(1), Thread.ofPlatform().daemon().name("node-state-refresh").factory());
  }

  /**
   * Writes the addresses the node's DNS proxy has learned ({@link Applier#learnedIpcache}) into the
   * maps before it returns, so that the pod gets its answer only once its first connection passes;
   * throws when the maps did not take them (the proxy then answers SERVFAIL). The proxy calls it
   * from its own thread.
   */
  public void applyLearned() {
    synchronized (lock) {
      if (revision == 0) {
        throw new IllegalStateException("no revision of the operator's in the maps yet");
      }
      DatapathState desired = view.desired(interfaces, new ArrayList<>(), applier.learnedIpcache());
      if (desired.equals(lastDesired)) {
        return;
      }
      try {
        applier.apply(desired);
      } catch (Exception e) {
        throw new IllegalStateException("the maps did not take the learned addresses: " + e, e);
      }
      lastDesired = desired;
    }
  }

  /**
   * Binds the revision in the maps again: a pod's veth may have appeared, gone, or come back under
   * a new ifindex. Writes what changed, and tells the operator when what is pending changed: the
   * revision's ack once nothing is, the pending endpoints otherwise.
   */
  void refresh() {
    Ack ack;
    synchronized (lock) {
      if (revision == 0) {
        return;
      }
      List<PendingEndpoint> now = new ArrayList<>();
      String proxyNow = proxyError;
      try {
        if (applier.proxyChangesOnItsOwn() || proxyBehind) {
          proxyNow = applier.applyProxy(view.local(), view.peers());
          proxyBehind = false;
        }
        DatapathState desired = view.desired(interfaces, now, applier.learnedIpcache());
        if (!desired.equals(lastDesired) || !applier.attachmentsCurrent(desired)) {
          now.addAll(
              PendingEndpoint.unattached(view.endpointStates(), desired, applier.apply(desired)));
          lastDesired = desired;
        }
      } catch (Exception e) {
        log.println("palisade-node: binding revision " + revision + " again failed: " + e);
        log.flush();
        return;
      }
      if (now.equals(pending) && proxyNow.equals(proxyError)) {
        return;
      }
      pending = List.copyOf(now);
      proxyError = proxyNow;
      ack = ack(revision);
      logPending();
    }
    Stream s = current;
    if (s != null) {
      s.send(NodeMessage.newBuilder().setAck(ack).build());
    }
  }

  /**
   * The ack of {@code r}: plain when every endpoint is enforced and the proxy holds its config,
   * else naming the pending endpoints and the proxy's refusal.
   */
  private Ack ack(long r) {
    Ack.Builder b = Ack.newBuilder().setRevision(r);
    List<String> errors = new ArrayList<>();
    if (!pending.isEmpty()) {
      errors.add(DatapathApplier.describe(pending));
      pending.forEach(p -> b.addPending(p.toString()));
    }
    if (!proxyError.isEmpty()) {
      errors.add(proxyError);
    }
    if (!errors.isEmpty()) {
      b.setError(String.join("; ", errors));
    }
    return b.build();
  }

  private void logPending() {
    if (pending.isEmpty()) {
      log.println("palisade-node: revision " + revision + ": every endpoint is enforced");
    } else {
      pending.forEach(
          p -> log.println("palisade-node: revision " + revision + ": not enforcing " + p));
    }
    log.flush();
  }

  private void run() {
    Duration backoff = minBackoff;
    while (!closed) {
      boolean progressed = streamOnce();
      if (closed) {
        return;
      }
      backoff = progressed ? minBackoff : min(backoff.multipliedBy(2), maxBackoff);
      log.println("palisade-node: stream to the operator ended; reconnecting in " + backoff);
      log.flush();
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static io.palisade.proto.nodestate.v1.L7Proxy wire(L7Proxy proxy) {
    return switch (proxy) {
      case NONE -> io.palisade.proto.nodestate.v1.L7Proxy.L7_PROXY_NONE;
      case EMBEDDED -> io.palisade.proto.nodestate.v1.L7Proxy.L7_PROXY_EMBEDDED;
      case ENVOY -> io.palisade.proto.nodestate.v1.L7Proxy.L7_PROXY_ENVOY;
    };
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** One stream, until it ends or a message fails; whether any revision was applied on it. */
  boolean streamOnce() {
    CountDownLatch ended = new CountDownLatch(1);
    Stream s = new Stream(ended);
    NodeStateGrpc.newStub(channel).stream(s);
    synchronized (lock) {
      s.send(
          NodeMessage.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setNodeName(node)
                      .setEpoch(epoch)
                      .setLastAppliedRevision(revision)
                      .setIpcacheVersion(revision > 0 ? view.ipcacheVersion() : 0)
                      .setL7Proxy(wire(l7Proxy)))
              .build());
      if (revision > 0 && (!pending.isEmpty() || !proxyError.isEmpty())) {
        // The hello says what the maps hold; this says it is not all enforced.
        s.send(NodeMessage.newBuilder().setAck(ack(revision)).build());
      }
      current = s;
    }
    try {
      ended.await();
    } catch (InterruptedException e) {
      s.cancel();
      Thread.currentThread().interrupt();
    }
    return s.applied;
  }

  /** Applies one operator message; the ack (or nack) to send back. */
  Ack handle(OperatorMessage m) {
    synchronized (lock) {
      try {
        NodeView next;
        switch (m.getKindCase()) {
          case SNAPSHOT -> next = NodeView.of(m.getSnapshot(), view);
          case DELTA -> {
            long base = m.getDelta().getBaseRevision();
            if (!m.getEpoch().equals(epoch) || base != revision) {
              throw new IllegalStateException(
                  "a delta on revision "
                      + base
                      + " of epoch "
                      + m.getEpoch()
                      + ", but the maps"
                      + " hold revision "
                      + revision
                      + " of epoch "
                      + epoch);
            }
            next = view.with(m.getDelta());
          }
          default -> throw new IllegalArgumentException("neither a snapshot nor a delta");
        }
        List<PendingEndpoint> missing = new ArrayList<>();
        DatapathState desired = next.desired(interfaces, missing);
        // The proxy holds the revision's rules before the maps redirect to it.
        String refused = applier.applyProxy(next.local(), next.peers());
        proxyBehind = false;
        Map<String, Long> learned = applier.learnedIpcache();
        if (!learned.isEmpty()) {
          // Again, now that the proxy has dropped what it learned for selectors that went.
          missing.clear();
          desired = next.desired(interfaces, missing, learned);
        }
        Map<String, String> unattached = applier.apply(desired);
        missing.addAll(PendingEndpoint.unattached(next.endpointStates(), desired, unattached));
        view = next;
        epoch = m.getEpoch();
        revision = m.getRevision();
        lastDesired = desired;
        pending = List.copyOf(missing);
        proxyError = refused;
        lastInMaps = true;
        save();
        log.println("palisade-node: applied revision " + revision + " (" + m.getKindCase() + ")");
        if (!pending.isEmpty()) {
          logPending();
        }
        if (!proxyError.isEmpty()) {
          log.println("palisade-node: revision " + revision + ": " + proxyError);
        }
        log.flush();
        return ack(revision);
      } catch (Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        log.println("palisade-node: revision " + m.getRevision() + " not applied: " + why);
        log.flush();
        lastInMaps = false;
        return Ack.newBuilder().setRevision(m.getRevision()).setError(why).build();
      }
    }
  }

  private boolean inMaps() {
    synchronized (lock) {
      return lastInMaps;
    }
  }

  private void save() throws IOException {
    if (stateFile.isEmpty()) {
      return;
    }
    Path file = stateFile.get();
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    Files.write(
        tmp,
        OperatorMessage.newBuilder()
            .setEpoch(epoch)
            .setRevision(revision)
            .setSnapshot(view.snapshot())
            .build()
            .toByteArray());
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads back the state of a previous run; a missing or unreadable file means none. */
  private void load(Path file) {
    if (!Files.exists(file)) {
      return;
    }
    try {
      OperatorMessage m = OperatorMessage.parseFrom(Files.readAllBytes(file));
      view = NodeView.of(m.getSnapshot(), NodeView.empty());
      epoch = m.getEpoch();
      revision = m.getRevision();
      proxyBehind = revision > 0;
    } catch (IOException | RuntimeException e) {
      log.println("palisade-node: ignoring " + file + " (" + e.getMessage() + "); asking for all");
    }
  }

  @Override
  public void close() {
    closed = true;
    if (loop != null) {
      loop.interrupt();
    }
    if (refresher != null) {
      refresher.interrupt();
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      if (loop != null) {
        loop.join(Duration.ofSeconds(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Stream implements ClientResponseObserver<NodeMessage, OperatorMessage> {
    private final CountDownLatch ended;
    private ClientCallStreamObserver<NodeMessage> requests;
    volatile boolean applied;
    private volatile boolean failed;
    private boolean halfClosed;

    Stream(CountDownLatch ended) {
      this.ended = ended;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<NodeMessage> stream) {
      requests = stream;
    }

    synchronized void send(NodeMessage m) {
      if (!halfClosed) {
        requests.onNext(m);
      }
    }

    void cancel() {
      requests.cancel("node daemon stopping", null);
    }

    @Override
    public void onNext(OperatorMessage m) {
      if (failed) {
        return; // after a nack: the operator's next messages build on what was not applied
      }
      Ack ack = handle(m);
      send(NodeMessage.newBuilder().setAck(ack).build());
      if (inMaps()) {
        applied = true; // in the maps, even with endpoints pending or the proxy refusing
      } else {
        // Start again from what the maps hold: end this stream, the loop says hello anew.
        failed = true;
        halfClose();
      }
    }

    private synchronized void halfClose() {
      if (!halfClosed) {
        halfClosed = true;
        requests.onCompleted();
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!closed) {
        log.println("palisade-node: node-state stream: " + t.getMessage());
      }
      ended.countDown();
    }

    @Override
    public void onCompleted() {
      halfClose();
      ended.countDown();
    }
  }
}
