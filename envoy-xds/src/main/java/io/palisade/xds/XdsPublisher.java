package io.palisade.xds;

import io.envoyproxy.controlplane.server.DefaultExecutorGroup;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.xds.NodeConfigs.Config;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Serves each node's L7 config to its proxy over ADS (node id = node name), and each proxyless gRPC
 * pod's config to its own server (node id = {@code namespace/name}; see {@link Proxyless}), from
 * java-control-plane's cache, and tracks what each proxy holds. A config is translated and checked
 * before it is set; one that fails is never sent and the failure is kept for status. An ACK counts
 * only when it answers the latest response of its type on its stream, with that response's version.
 * A NACK keeps the proxy's error and sets the last acknowledged config again under new versions, so
 * the proxy is sent good config once instead of the refused one again and again (java-control-plane
 * answers a NACK's stale version with the current snapshot).
 *
 * <p>{@link #publish} is called by the pipeline's thread; it translates and checks, stages the
 * configs and returns, and their responses are written on {@link XdsResponses}' lanes. The
 * callbacks run on gRPC's threads and the lanes; readers on any thread. Lock order: this object,
 * then a lane (a NACK's restore waits for its lane); the lanes and the response callback take
 * neither this object nor any other. Closed after the server that serves it, which stops the lanes.
 */
public final class XdsPublisher implements DiscoveryServerCallbacks, AutoCloseable {

  /** Told when a node's proxy holds a new revision or reported a failure. */
  public interface Listener {
    void changed(String node);
  }

  /** What one stream asked for and was last sent: per type, the latest nonce and its version. */
  private record Sent(String nonce, String version) {}

  private static final class Stream {
    volatile String node;
    final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    final Map<String, Sent> latest = new ConcurrentHashMap<>();
  }

  /** Lanes writing responses: about the cores a 2-core control plane can give them. */
  public static final int RESPONSE_LANES = 2;

  private final XdsResponses responses = new XdsResponses(RESPONSE_LANES);
  private final SharedSerializer serializer = new SharedSerializer();
  private final Target target;
  private final Function<String, Optional<String>> streamIdentity;
  private final Map<String, Long> ipcache = new HashMap<>();
  private final Map<String, NodeL7> nodes = new HashMap<>();
  private final Map<String, NodeConfigs> configs = new ConcurrentHashMap<>();
  private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /** Per node, its proxyless gRPC pods by id. */
  private final Map<String, Map<String, EndpointL7>> proxyless = new HashMap<>();

  /** Per proxyless pod, the ports its server asked for listeners of. */
  private final Map<String, Set<Integer>> requestedPorts = new HashMap<>();

  private long lastRevision = -1;

  /** The peers' addresses of the current ipcache, and the routes nodes share. */
  private Translation translation = new Translation(Map.of());

  /**
   * @param streamIdentity for a stream's node id, the node its peer may speak for (the CN of a
   *     verified client certificate), or empty when streams are not held to one
   */
  public XdsPublisher(Target target, Function<String, Optional<String>> streamIdentity) {
    this.target = target;
    this.streamIdentity = streamIdentity;
  }

  public XdsPublisher(Target target) {
    this(target, node -> Optional.empty());
  }

  /** The gRPC services to serve (ADS among them), answering from this publisher's cache. */
  public V3DiscoveryServer discoveryServer() {
    return new V3DiscoveryServer(List.of(this), responses, new DefaultExecutorGroup(), serializer);
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  /**
   * Takes what changed in the desired state at {@code revision}: the L7 config of every node it
   * touched is translated, checked and, when it differs, set. An ipcache change can move the
   * addresses of any peer, so it rebuilds every node whose grants name peers. A node whose L7 state
   * is the same as before is left alone; the others are translated and checked in parallel, sharing
   * one {@link Translation} (so nodes with the same rules share their RBAC), and then staged in
   * node order: it returns before their responses are written (see {@link #awaitResponses}).
   */
  public synchronized void publish(long revision, NodeChanges changes) {
    Set<String> touched = new HashSet<>();
    if (changes.complete()) {
      // Whatever a complete change leaves out is gone: those nodes' proxies get an empty config.
      ipcache.clear();
      nodes.clear();
      touched.addAll(proxyless.keySet());
      proxyless.clear();
      touched.addAll(configs.keySet().stream().filter(n -> !n.contains("/")).toList());
    }
    lastRevision = revision;
    boolean ipcacheChanged =
        !changes.ipcacheUpserts().isEmpty() || !changes.ipcacheDeletes().isEmpty();
    ipcache.putAll(changes.ipcacheUpserts());
    changes.ipcacheDeletes().forEach(ipcache::remove);
    if (ipcacheChanged || changes.complete()) {
      translation = translation.withIpcache(Map.copyOf(ipcache));
    }
    changes
        .nodes()
        .forEach(
            (node, local) -> {
              NodeL7 l7 = NodeL7.of(local);
              Map<String, EndpointL7> pods = Proxyless.endpoints(local, l7);
              NodeL7 l7Before = nodes.put(node, l7);
              Map<String, EndpointL7> podsBefore = proxyless.put(node, pods);
              // The same L7 state against the same ipcache gives the same config.
              if (!l7.equals(l7Before) || !pods.equals(podsBefore) || !configs.containsKey(node)) {
                touched.add(node);
              }
            });
    if (ipcacheChanged) {
      nodes.forEach(
          (node, l7) -> {
            if (!l7.endpoints().isEmpty()) {
              touched.add(node);
            }
          });
      touched.addAll(proxyless.keySet());
    }
    Set<String> podsBefore = allProxylessPods();
    List<String> order = touched.stream().sorted().toList();
    for (String node : order) {
      configs.computeIfAbsent(node, n -> new NodeConfigs());
      proxyless
          .getOrDefault(node, Map.of())
          .keySet()
          .forEach(pod -> configs.computeIfAbsent(pod, n -> new NodeConfigs()));
    }
    Translation t = translation;
    Map<String, List<Built>> built =
        (order.size() >= PARALLEL_FROM ? order.parallelStream() : order.stream())
            .collect(Collectors.toMap(node -> node, node -> build(node, revision, t)));
    for (String node : order) {
      built.get(node).forEach(b -> apply(b, revision, false));
    }
    nodes.values().removeIf(l7 -> l7.endpoints().isEmpty());
    proxyless.values().removeIf(Map::isEmpty);
    podsBefore.removeAll(allProxylessPods());
    for (String gone : podsBefore) {
      configs.remove(gone);
      requestedPorts.remove(gone);
      responses.clear(gone);
    }
  }

  /** Fewer nodes than this are translated on the caller's thread alone. */
  private static final int PARALLEL_FROM = 32;

  /** A node's or a pod's new config, or why it is refused; made without touching shared state. */
  private sealed interface Built {
    String id();

    record Resources(String id, NodeResources resources) implements Built {}

    record Refused(String id, String message) implements Built {}
  }

  private Set<String> allProxylessPods() {
    Set<String> out = new TreeSet<>();
    proxyless.values().forEach(m -> out.addAll(m.keySet()));
    return out;
  }

  /** The configs of {@code node}'s proxyless pods, then the node's own. */
  private List<Built> build(String node, long revision, Translation t) {
    List<Built> out = new java.util.ArrayList<>();
    proxyless
        .getOrDefault(node, Map.of())
        .forEach((pod, e) -> out.add(buildPod(pod, e, revision, t)));
    out.add(buildNode(node, revision, t));
    return out;
  }

  /**
   * A proxyless pod's config: its own Listeners when its server can enforce its rules; otherwise a
   * failure naming every rule it cannot enforce (those stay with the node's proxy, and its server
   * keeps what it had, or serves nothing).
   */
  private Built buildPod(String pod, EndpointL7 e, long revision, Translation t) {
    List<String> problems = Proxyless.problems(e);
    try {
      if (!problems.isEmpty()) {
        throw new L7TranslationException(problems);
      }
      NodeResources checked = configs.get(pod).lastChecked();
      NodeResources resources =
          Proxyless.translate(e, requestedPorts.getOrDefault(pod, Set.of()), t).sharing(checked);
      ConfigValidator.check(resources, checked);
      return new Built.Resources(pod, resources);
    } catch (L7TranslationException ex) {
      return new Built.Refused(
          pod,
          "the proxyless gRPC config of revision "
              + revision
              + " is refused (its L7 rules stay with the node's proxy): "
              + ex.getMessage());
    }
  }

  private Built buildNode(String node, long revision, Translation t) {
    try {
      NodeResources checked = configs.get(node).lastChecked();
      NodeResources resources =
          L7Translator.translate(forProxy(nodes.getOrDefault(node, NodeL7.EMPTY)), t, target)
              .sharing(checked);
      ConfigValidator.check(resources, checked);
      return new Built.Resources(node, resources);
    } catch (L7TranslationException e) {
      return new Built.Refused(
          node, "the L7 config of revision " + revision + " is refused: " + e.getMessage());
    }
  }

  /**
   * Sets a built config, unless Palisade or the proxy refused its content; content equal to the
   * newest config's is not set again (the proxy has nothing new to acknowledge). {@code now}: set
   * before returning (a request's callback), rather than staged.
   */
  private void apply(Built b, long revision, boolean now) {
    NodeConfigs nc = configs.get(b.id());
    switch (b) {
      case Built.Refused r -> {
        nc.refuse(revision, r.message());
        notifyListeners(r.id());
      }
      case Built.Resources r -> {
        Optional<String> refused = nc.refusedBefore(r.resources());
        if (refused.isPresent()) {
          nc.refuse(revision, refused.get());
          notifyListeners(r.id());
        } else if (nc.current().map(c -> c.resources().equals(r.resources())).orElse(false)) {
          if (nc.settled()) {
            notifyListeners(r.id());
          }
        } else {
          Config c = nc.next(revision, r.resources());
          if (now) {
            setNow(r.id(), c);
          } else {
            set(r.id(), c);
          }
        }
      }
    }
  }

  /** The node's L7 state less the ingress rules that proxyless pods enforce themselves. */
  private static NodeL7 forProxy(NodeL7 l7) {
    return new NodeL7(
        l7.endpoints().stream()
            .map(
                e ->
                    Proxyless.enforcedByPod(e)
                        ? new EndpointL7(
                            e.id(),
                            e.addresses(),
                            e.identity(),
                            e.grants().stream()
                                .filter(g -> !Proxyless.ingressHttp(e).contains(g))
                                .toList(),
                            true)
                        : e)
            .filter(e -> !e.grants().isEmpty())
            .toList());
  }

  /** Stages {@code c} for {@code node}: its responses are written on the node's lane. */
  private void set(String node, Config c) {
    responses.set(node, () -> VersionedSnapshot.of(c.resources(), c.versions()));
  }

  /**
   * Sets {@code c} for {@code node} before returning: a request's callback, whose response
   * java-control-plane takes from the cache once the callback returns.
   */
  private void setNow(String node, Config c) {
    responses.setNow(node, () -> VersionedSnapshot.of(c.resources(), c.versions()));
  }

  /**
   * Returns once every config staged so far is set (its responses written to the streams open for
   * it): {@link #publish} returns once configs are staged.
   */
  public void awaitResponses() {
    responses.await();
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
    Stream s = streams.computeIfAbsent(streamId, id -> new Stream());
    if (s.node == null) {
      String node = request.getNode().getId();
      if (node.isEmpty()) {
        throw new RequestException(
            io.grpc.Status.INVALID_ARGUMENT.withDescription(
                "the first request of a stream must name its node (node.id = the node's name)"));
      }
      Optional<String> allowed = streamIdentity.apply(node);
      if (allowed.isPresent() && !allowed.get().equals(node)) {
        throw new RequestException(
            io.grpc.Status.PERMISSION_DENIED.withDescription(
                "this certificate is for node " + allowed.get() + ", not " + node));
      }
      s.node = node;
    }
    String type = request.getTypeUrl();
    s.subscribed.add(type);
    if (type.equals(io.envoyproxy.controlplane.cache.Resources.V3.LISTENER_TYPE_URL)) {
      Set<Integer> ports =
          request.getResourceNamesList().stream()
              .map(Proxyless::port)
              .flatMap(Optional::stream)
              .collect(Collectors.toSet());
      if (!ports.isEmpty()) {
        portsAsked(s.node, ports);
      }
    }
    Sent sent = s.latest.get(type);
    if (request.getResponseNonce().isEmpty()
        || sent == null
        || !sent.nonce().equals(request.getResponseNonce())) {
      return; // A first request, or one answering an older response: it acknowledges nothing.
    }
    if (request.hasErrorDetail()) {
      nacked(s.node, type, sent.version(), request.getErrorDetail().getMessage());
    } else if (request.getVersionInfo().equals(sent.version())) {
      acked(s, type, sent.version());
    }
  }

  /**
   * A proxyless server asked for the listeners of {@code ports}: a port it did not ask for before
   * gets its listener now, before java-control-plane opens the watch that answers this request.
   */
  private synchronized void portsAsked(String pod, Set<Integer> ports) {
    if (!requestedPorts.computeIfAbsent(pod, p -> new TreeSet<>()).addAll(ports)) {
      return;
    }
    for (Map<String, EndpointL7> pods : proxyless.values()) {
      EndpointL7 e = pods.get(pod);
      if (e != null) {
        configs.computeIfAbsent(pod, n -> new NodeConfigs());
        apply(buildPod(pod, e, lastRevision, translation), lastRevision, true);
      }
    }
  }

  /** The proxyless gRPC pods on {@code node} (each an xDS client of its own, id = pod id). */
  public synchronized Set<String> proxylessPods(String node) {
    return Set.copyOf(proxyless.getOrDefault(node, Map.of()).keySet());
  }

  private void acked(Stream s, String type, String version) {
    boolean moved;
    synchronized (this) {
      moved =
          configs
              .computeIfAbsent(s.node, n -> new NodeConfigs())
              .ack(type, version, Set.copyOf(s.subscribed));
    }
    if (moved) {
      notifyListeners(s.node);
    }
  }

  private void nacked(String node, String type, String version, String detail) {
    synchronized (this) {
      NodeConfigs nc = configs.computeIfAbsent(node, n -> new NodeConfigs());
      Optional<Long> revision =
          nc.nack(type, version, "the proxy refused the L7 config: " + detail);
      if (revision.isEmpty()) {
        return;
      }
      // Before java-control-plane opens the watch for this request: it answers with this.
      setNow(node, nc.restore());
    }
    notifyListeners(node);
  }

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    Stream s = streams.computeIfAbsent(streamId, id -> new Stream());
    s.latest.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request)
      throws RequestException {
    throw new RequestException(
        io.grpc.Status.UNIMPLEMENTED.withDescription(
            "Palisade serves state-of-the-world ADS, not delta xDS"));
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    streams.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    streams.remove(streamId);
  }

  private void notifyListeners(String node) {
    listeners.forEach(l -> l.changed(node));
  }

  /** The revision whose L7 config {@code node}'s proxy holds; -1 before it acknowledged any. */
  public long ackedRevision(String node) {
    NodeConfigs nc = configs.get(node);
    synchronized (this) {
      return nc == null ? -1 : nc.ackedRevision();
    }
  }

  /** How many of {@code nodes} have proxies holding revision {@code since} or a later one. */
  public int enforcedCount(Collection<String> nodes, long since) {
    int n = 0;
    for (String node : nodes) {
      if (holds(node, since)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether {@code node}'s proxy holds what revision {@code since} asks of it: an acknowledged
   * config of that revision or later, or its newest config acknowledged when no revision since then
   * changed it (a revision that left a node's L7 config alone sets nothing for it to ack).
   */
  public synchronized boolean holds(String node, long since) {
    NodeConfigs nc = configs.get(node);
    if (nc == null) {
      return false;
    }
    long acked = nc.ackedRevision();
    return nc.failure().isEmpty()
        && (acked >= since
            || (acked >= 0 && nc.current().map(c -> c.revision() == acked).orElse(false)));
  }

  /** Why {@code node}'s L7 config is not in force, when it was refused by Palisade or the proxy. */
  public synchronized Optional<String> failure(String node) {
    NodeConfigs nc = configs.get(node);
    return nc == null ? Optional.empty() : nc.failure().map(NodeConfigs.Failure::message);
  }

  /** The config last set for {@code node}, for tests and diagnostics. */
  public synchronized Optional<NodeResources> current(String node) {
    NodeConfigs nc = configs.get(node);
    return nc == null ? Optional.empty() : nc.current().map(Config::resources);
  }

  /**
   * Sends the routes each of {@code nodes} was last given again, unchanged, under {@code
   * revision}'s version, translating and checking nothing: what the responses and acks of a change
   * cost alone (the floor of the xDS ack benchmark). A node with no routes, or whose config was
   * refused, is left alone. Returns the nodes whose routes were sent.
   */
  public synchronized Set<String> resendRoutes(long revision, Collection<String> nodes) {
    if (revision <= lastRevision) {
      throw new IllegalArgumentException(
          "revision: " + revision + " is not after the last published " + lastRevision);
    }
    lastRevision = revision;
    Set<String> sent = new TreeSet<>();
    for (String node : nodes) {
      NodeConfigs nc = configs.get(node);
      Optional<Config> c = nc == null ? Optional.empty() : nc.resendRoutes(revision);
      if (c.isPresent()) {
        set(node, c.get());
        sent.add(node);
      }
    }
    return sent;
  }

  /**
   * Stops the lanes writing responses once what was staged is written; publishing afterwards
   * throws. Close the server serving {@link #discoveryServer} first: its streams get no more
   * responses.
   */
  @Override
  public void close() {
    responses.close();
  }

  /** A node's local state alone, for callers outside the pipeline (tests, tools). */
  public void publish(long revision, String node, LocalState state, Map<String, Long> ipcache) {
    publish(revision, new NodeChanges(false, ipcache, Set.of(), Map.of(node, state)));
  }
}
