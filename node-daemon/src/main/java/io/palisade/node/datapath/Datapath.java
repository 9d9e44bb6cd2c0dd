package io.palisade.node.datapath;

import io.palisade.node.bpf.BpfMap;
import io.palisade.node.bpf.BpfObject;
import io.palisade.node.bpf.Libc;
import io.palisade.node.bpf.MapShape;
import io.palisade.node.bpf.TcAttachment;
import io.palisade.node.maps.BackendValue;
import io.palisade.node.maps.EndpointValue;
import io.palisade.node.maps.IpcacheCodecs;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.PolicyKey;
import io.palisade.node.maps.PolicyValue;
import io.palisade.node.maps.ServiceKey;
import io.palisade.node.maps.ServiceValue;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.identity.CidrPrefix;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The node's datapath: the loaded programs, the pinned maps they read, and the pod veths they are
 * attached to. {@link #apply} converges the maps to a desired state by writing only the difference;
 * {@link #repair} reads the maps back and undoes whatever differs from the last state applied.
 * While open it holds the pin directory's lock, so one process writes these maps; closing releases
 * it and leaves programs attached and maps pinned, so enforcement goes on while no daemon runs.
 * Calls that name interfaces act in the calling thread's network namespace.
 */
public final class Datapath implements AutoCloseable {

  /** Where pins go unless told otherwise. */
  public static final Path DEFAULT_PIN_ROOT = Path.of("/sys/fs/bpf/palisade");

  private static final String OBJECT_RESOURCE = "/io/palisade/bpf/palisade.bpf.o";

  private final Path pinRoot;
  private final PinLock lock;
  private final BpfObject object;
  private final TypedMap<CidrPrefix, Long> hosts;
  private final TypedMap<CidrPrefix, Long> cidrs;
  private final TypedMap<CidrPrefix, EndpointValue> endpoints;
  private final TypedMap<PolicyKey, PolicyValue> policy;
  private final TypedMap<PolicyKey, PolicyValue> policyExact;
  private final TypedMap<ServiceKey, ServiceValue> services;
  private final TypedMap<Integer, BackendValue> backends;
  private final BackendIds backendIds;
  private final BpfMap config;
  private final BpfMap counters;
  private final BpfMap audits;
  private volatile Map<Long, IdentityPolicy> appliedPolicies = Map.of();
  private final BpfMap events;
  private final BpfMap proxyPorts;
  private final int toProxy;
  private int proxyHelper;
  private final Map<String, Integer> attached = new HashMap<>();
  private final List<Consumer<ApplyResult>> applyListeners = new CopyOnWriteArrayList<>();
  private final int fromPod;
  private final int toPod;
  // What the last apply converged the maps to, interfaces already resolved to indexes: a repair
  // needs no interface lookup, so it runs on any thread, in any network namespace.
  private MapContents lastWanted;
  // What the maps hold when known without reading them: the last contents converged to, unless a
  // converge failed half-way or a repair read the maps back since. Diffs start from it, so a part
  // of the state that is the same object as in it costs nothing.
  private MapContents held;
  private final IncrementalContents contents = new IncrementalContents();
  private final Map<String, AtomicLong> repaired = new ConcurrentHashMap<>();
  private final Map<String, MapShape> shapes = new TreeMap<>();

  private Datapath(Path pinRoot, PinLock lock, BpfObject object) {
    this.pinRoot = pinRoot;
    this.lock = lock;
    this.object = object;
    MapNames.STATE.forEach(name -> shapes.put(name, object.shape(name)));
    this.hosts = typed(MapNames.IPCACHE, IpcacheCodecs.HOSTS);
    this.cidrs = typed(MapNames.IPCACHE_LPM, IpcacheCodecs.CIDRS);
    this.endpoints = typed(MapNames.ENDPOINTS, EndpointValue.CODEC);
    this.policy = typed(MapNames.POLICY, PolicyKey.CODEC);
    this.policyExact = typed(MapNames.POLICY_EXACT, PolicyKey.CODEC);
    this.services = typed(MapNames.SERVICES, ServiceKey.CODEC);
    this.backends = typed(MapNames.BACKENDS, BackendValue.CODEC);
    this.backendIds = new BackendIds(services.contents(), backends.contents());
    this.config = object.map(MapNames.CONFIG, 4, Layouts.CONFIG_VALUE.byteSize(), false);
    this.counters = object.map(MapNames.COUNTERS, 4, Layouts.COUNTER.byteSize(), true);
    this.audits = object.map(MapNames.AUDITS, 4, Layouts.COUNTER.byteSize(), true);
    this.events = object.map(MapNames.EVENTS, 0, 0, false);
    this.proxyPorts = object.map(MapNames.PROXY_PORTS, 4, Layouts.PROXY_VALUE.byteSize(), false);
    this.toProxy = object.programFd(MapNames.PROG_TO_PROXY);
    this.fromPod = object.programFd(MapNames.PROG_FROM_POD);
    this.toPod = object.programFd(MapNames.PROG_TO_POD);
  }

  private <K, V> TypedMap<K, V> typed(String name, io.palisade.node.maps.MapCodec<K, V> codec) {
    BpfMap m =
        object.map(name, codec.keyLayout().byteSize(), codec.valueLayout().byteSize(), false);
    return new TypedMap<>(m, codec);
  }

  /**
   * Takes the pin directory's lock, then loads the programs, reusing the maps pinned under {@code
   * pinRoot} (and so the state a previous daemon left, in the shapes it was created with) or
   * creating and pinning them there as compiled.
   *
   * @throws DatapathBusyException when another process holds the pins, before anything is loaded
   */
  public static Datapath open(Path pinRoot) {
    // A state map pinned by a datapath sized to its state is reused in that shape.
    return open(pinRoot, DatapathShapes.COMPILED);
  }

  /**
   * As {@link #open(Path)}, creating the maps named in {@code shapes} with those shapes (see {@link
   * DatapathShapes#forState}); maps already pinned keep theirs. {@link #apply} then refuses a state
   * that does not fit, before writing anything.
   */
  public static Datapath open(Path pinRoot, Map<String, MapShape> shapes) {
    BpfFs.ensureFor(pinRoot);
    PinLock lock;
    try {
      Files.createDirectories(pinRoot);
      lock = PinLock.acquire(pinRoot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path obj = Files.createTempFile("palisade", ".bpf.o");
      try (InputStream in = Datapath.class.getResourceAsStream(OBJECT_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(OBJECT_RESOURCE + " is not on the class path");
        }
        Files.copy(in, obj, StandardCopyOption.REPLACE_EXISTING);
        return new Datapath(pinRoot, lock, BpfObject.load(obj, pinRoot, MapNames.ALL, shapes));
      } finally {
        Files.deleteIfExists(obj);
      }
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  public Path pinRoot() {
    return pinRoot;
  }

  /** The shape each state map has, by name: as created, or as found pinned. */
  public Map<String, MapShape> shapes() {
    return Map.copyOf(shapes);
  }

  /** The loaded object, for the flow log and the benchmark. */
  public BpfObject object() {
    return object;
  }

  /**
   * Converges the maps to {@code desired}: new and changed entries first (ipcache, policy, then
   * endpoints, so an endpoint never appears before the policy it needs), then the deletions in the
   * reverse order, then a new policy generation so tracked flows are decided again. Then the
   * interfaces follow the endpoints: the programs are attached to each endpoint's veth that does
   * not carry them yet (a new pod, or a veth recreated under a new ifindex), and removed from veths
   * no endpoint names any more (a deleted pod's, when it is still there). An endpoint whose veth is
   * gone by now, or refuses the programs, is left out and named in {@link ApplyResult#unattached};
   * the next apply tries it again. A state equal to what the maps hold writes nothing.
   */
  public synchronized ApplyResult apply(DatapathState desired) {
    long start = System.nanoTime();
    Map<String, Integer> ifindexes = new HashMap<>();
    Map<String, String> unattached = new TreeMap<>();
    for (LocalEndpoint ep : desired.endpoints()) {
      String name = ep.hostInterface();
      if (!ifindexes.containsKey(name) && !unattached.containsKey(name)) {
        Libc.ifIndexOf(name)
            .ifPresentOrElse(
                i -> ifindexes.put(name, i), () -> unattached.put(name, "no interface " + name));
      }
    }
    DatapathState reachable =
        new DatapathState(
                desired.ipcache(),
                desired.endpoints().stream()
                    .filter(ep -> ifindexes.containsKey(ep.hostInterface()))
                    .toList(),
                desired.policies())
            .withServices(desired.services());
    MapContents want = contents.next(reachable, ifindexes::get, backendIds::idOf);
    DatapathShapes.overflow(want, shapes)
        .ifPresent(
            over -> {
              throw new IllegalStateException(
                  "the state does not fit the maps pinned under " + pinRoot + ": " + over);
            });
    ApplyResult written = converge(want, (map, writes) -> {});
    if (lastWanted == null || lastWanted.backends() != want.backends()) {
      backendIds.retain(want.services(), want.backends());
    }
    lastWanted = want;
    appliedPolicies = desired.policies();
    Set<String> newlyAttached = new TreeSet<>();
    for (var e : ifindexes.entrySet()) {
      if (!e.getValue().equals(attached.get(e.getKey()))) {
        try {
          attach(e.getKey(), e.getValue());
          newlyAttached.add(e.getKey());
        } catch (RuntimeException failed) {
          attached.remove(e.getKey());
          unattached.put(e.getKey(), "cannot attach to " + e.getKey() + ": " + failed.getMessage());
        }
      }
    }
    Set<String> detached = new TreeSet<>();
    for (var e : Map.copyOf(attached).entrySet()) {
      if (!ifindexes.containsKey(e.getKey()) && !unattached.containsKey(e.getKey())) {
        detachIfStill(e.getKey(), e.getValue()).ifPresent(detached::add);
      }
    }
    ApplyResult result =
        new ApplyResult(
            written.ipcacheWrites(),
            written.cidrWrites(),
            written.endpointWrites(),
            written.policyWrites(),
            written.serviceWrites(),
            newlyAttached,
            detached,
            unattached,
            written.generation(),
            Duration.ofNanos(System.nanoTime() - start));
    applyListeners.forEach(l -> l.accept(result));
    return result;
  }

  /**
   * Whether every endpoint of {@code state} has its veth, under the ifindex the programs were
   * attached to: false once a pod's veth is gone or recreated, so the caller applies again.
   */
  public synchronized boolean attachmentsCurrent(DatapathState state) {
    for (LocalEndpoint ep : state.endpoints()) {
      Integer at = attached.get(ep.hostInterface());
      if (at == null || !Libc.ifIndexOf(ep.hostInterface()).equals(Optional.of(at))) {
        return false;
      }
    }
    return true;
  }

  /** The veths the programs are attached to now, by name, with their ifindex. */
  public synchronized Map<String, Integer> attachedInterfaces() {
    return Map.copyOf(attached);
  }

  /**
   * Reads every state map back from the kernel and writes what differs from the last state applied:
   * entries another writer added, changed or deleted behind this one's back. Each write is counted
   * in {@link #repairedEntries}; a repair that writes anything starts a new policy generation, so
   * flows admitted meanwhile are decided again. Before any apply there is nothing to repair to, and
   * nothing is written.
   */
  public synchronized ApplyResult repair() {
    if (lastWanted == null) {
      return ApplyResult.writes(0, 0, 0, 0, 0, generation());
    }
    reloadAll();
    return converge(
        lastWanted,
        (map, writes) -> repaired.computeIfAbsent(map, m -> new AtomicLong()).addAndGet(writes));
  }

  /**
   * What the state maps hold, read back from the kernel now (backend ids as the maps have them).
   * The next apply then starts from what was read.
   */
  synchronized MapContents readBack() {
    reloadAll();
    return new MapContents(
        hosts.contents(),
        cidrs.contents(),
        endpoints.contents(),
        policy.contents(),
        policyExact.contents(),
        services.contents(),
        backends.contents());
  }

  /** Reads every copy again from the kernel: what the maps hold is no longer known otherwise. */
  private void reloadAll() {
    held = null;
    hosts.reload();
    cidrs.reload();
    endpoints.reload();
    policy.reload();
    policyExact.reload();
    services.reload();
    backends.reload();
  }

  /** Entries written by repairs since this datapath was opened, by map name. */
  public Map<String, Long> repairedEntries() {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (String name : MapNames.STATE) {
      out.put(name, repaired.getOrDefault(name, new AtomicLong()).get());
    }
    return out;
  }

  /**
   * Writes the difference between the maps and {@code want}, in a safe order, and tells {@code
   * written} how many writes each map took. The difference starts from what the maps are known to
   * hold ({@link #held}), else from their copies. Services change no verdict, so they start no
   * policy generation; their order keeps every slot a frontend counts in place before the count
   * (backends, then slots, then frontends on the way in; the reverse on the way out).
   */
  private ApplyResult converge(MapContents want, BiConsumer<String, Integer> written) {
    MapContents from = held;
    held = null;
    int serviceWrites = convergeServices(from, want, written);
    MapDiff<CidrPrefix, Long> h = diff(hosts, from, want, MapContents::hosts);
    MapDiff<CidrPrefix, Long> c = diff(cidrs, from, want, MapContents::cidrs);
    MapDiff<PolicyKey, PolicyValue> p = diff(policy, from, want, MapContents::policy);
    MapDiff<PolicyKey, PolicyValue> x = diff(policyExact, from, want, MapContents::policyExact);
    MapDiff<CidrPrefix, EndpointValue> e = diff(endpoints, from, want, MapContents::endpoints);
    hosts.apply(upsertsOnly(h));
    cidrs.apply(upsertsOnly(c));
    policy.apply(upsertsOnly(p));
    policyExact.apply(upsertsOnly(x));
    endpoints.apply(upsertsOnly(e));
    endpoints.apply(deletesOnly(e));
    policyExact.apply(deletesOnly(x));
    policy.apply(deletesOnly(p));
    cidrs.apply(deletesOnly(c));
    hosts.apply(deletesOnly(h));
    written.accept(MapNames.IPCACHE, h.size());
    written.accept(MapNames.IPCACHE_LPM, c.size());
    written.accept(MapNames.ENDPOINTS, e.size());
    written.accept(MapNames.POLICY, p.size());
    written.accept(MapNames.POLICY_EXACT, x.size());
    long generation = generation();
    if (!(h.isEmpty() && c.isEmpty() && p.isEmpty() && x.isEmpty() && e.isEmpty())) {
      generation = bumpGeneration();
    }
    held = want;
    return ApplyResult.writes(
        h.size(), c.size(), e.size(), p.size() + x.size(), serviceWrites, generation);
  }

  private int convergeServices(
      MapContents from, MapContents want, BiConsumer<String, Integer> written) {
    MapDiff<Integer, BackendValue> b = diff(backends, from, want, MapContents::backends);
    MapDiff<ServiceKey, ServiceValue> s = diff(services, from, want, MapContents::services);
    Map<ServiceKey, ServiceValue> slots = new HashMap<>();
    Map<ServiceKey, ServiceValue> frontends = new HashMap<>();
    s.upserts().forEach((k, v) -> (k.slot() == 0 ? frontends : slots).put(k, v));
    backends.apply(upsertsOnly(b));
    services.apply(new MapDiff<>(slots, Set.of()));
    services.apply(new MapDiff<>(frontends, Set.of()));
    services.apply(deletesOnly(s));
    backends.apply(deletesOnly(b));
    written.accept(MapNames.SERVICES, s.size());
    written.accept(MapNames.BACKENDS, b.size());
    return s.size() + b.size();
  }

  /** Calls {@code listener} with the result of every apply that succeeded, on its thread. */
  public void onApply(Consumer<ApplyResult> listener) {
    applyListeners.add(listener);
  }

  /** What turns {@code map} into its part of {@code want}: from {@code from} when known. */
  private static <K, V> MapDiff<K, V> diff(
      TypedMap<K, V> map,
      MapContents from,
      MapContents want,
      Function<MapContents, Map<K, V>> part) {
    return from == null
        ? MapDiff.between(map.view(), part.apply(want))
        : MapDiff.since(part.apply(from), part.apply(want));
  }

  private static <K, V> MapDiff<K, V> upsertsOnly(MapDiff<K, V> d) {
    return new MapDiff<>(d.upserts(), Set.of());
  }

  private static <K, V> MapDiff<K, V> deletesOnly(MapDiff<K, V> d) {
    return new MapDiff<>(Map.of(), d.deletes());
  }

  /**
   * Attaches (or atomically replaces) the programs on both tc hooks of the pod veth {@code
   * hostInterface}. Only interfaces named as pod veths ever get here.
   */
  public synchronized void attach(String hostInterface) {
    attach(hostInterface, Libc.ifNameToIndex(hostInterface));
  }

  private void attach(String hostInterface, int ifindex) {
    TcAttachment.attach(ifindex, TcAttachment.Hook.INGRESS, fromPod);
    TcAttachment.attach(ifindex, TcAttachment.Hook.EGRESS, toPod);
    attached.put(hostInterface, ifindex);
  }

  /** Removes Palisade's programs from a pod veth (the pod went away). */
  public synchronized void detach(String hostInterface) {
    detachIfStill(hostInterface, Libc.ifNameToIndex(hostInterface));
  }

  /**
   * Removes the programs from {@code ifindex} if it is still the interface {@code name} (an ifindex
   * freed by a deleted veth may name another interface by now, which is left alone); forgets it
   * either way. Returns the name when something was detached.
   */
  private Optional<String> detachIfStill(String name, int ifindex) {
    attached.remove(name);
    if (!Libc.ifIndexOf(name).equals(Optional.of(ifindex))) {
      return Optional.empty();
    }
    boolean in = TcAttachment.detach(ifindex, TcAttachment.Hook.INGRESS);
    boolean out = TcAttachment.detach(ifindex, TcAttachment.Hook.EGRESS);
    return in || out ? Optional.of(name) : Optional.empty();
  }

  /**
   * Sets up what redirecting to the node's L7 proxy needs ({@link ProxyRouting}: the policy routing
   * and the helper device with its program), in the calling thread's network namespace. Until then
   * no proxy port can be made ready, and every redirect drops.
   */
  public synchronized void enableProxyRedirect() {
    proxyHelper = ProxyRouting.install(toProxy);
  }

  /**
   * Makes {@code ports} the proxy ports whose redirects are delivered: a port leaves the map before
   * its proxy's config goes, and enters it only once the proxy listening there holds the config in
   * force (the caller's order). A redirect to any other port drops as {@code proxy_unavailable}.
   */
  public synchronized void readyProxyPorts(Set<Integer> ports) {
    if (!ports.isEmpty() && proxyHelper == 0) {
      throw new IllegalStateException(
          "proxy ports " + ports + " cannot be made ready before enableProxyRedirect()");
    }
    for (int port : ports) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("proxy port " + port + " is not a TCP port");
      }
    }
    Set<Integer> now = readyProxyPorts();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment value = arena.allocate(Layouts.PROXY_VALUE);
      value.set(ValueLayout.JAVA_INT, Layouts.offset(Layouts.PROXY_VALUE, "ifindex"), proxyHelper);
      for (int port : new TreeSet<>(ports)) {
        key.set(ValueLayout.JAVA_INT, 0, port);
        proxyPorts.update(key, value);
      }
      for (int port : now) {
        if (!ports.contains(port)) {
          key.set(ValueLayout.JAVA_INT, 0, port);
          proxyPorts.delete(key);
        }
      }
    }
  }

  /** The proxy ports the maps hold as ready. */
  public synchronized Set<Integer> readyProxyPorts() {
    Set<Integer> out = new TreeSet<>();
    proxyPorts.forEach((k, v) -> out.add(k.get(ValueLayout.JAVA_INT, 0)));
    return out;
  }

  /** The program on the host veth's tc ingress (the pod's egress), for test runs. */
  public int fromPodProgram() {
    return fromPod;
  }

  /** The program on the host veth's tc egress (the pod's ingress), for test runs. */
  public int toPodProgram() {
    return toPod;
  }

  /** The ring buffer of verdict events, for a {@code FlowLog}. */
  public int eventsFd() {
    return events.fd();
  }

  /** The policy generation tracked flows are checked against. */
  public synchronized long generation() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment value = arena.allocate(Layouts.CONFIG_VALUE);
      config.lookup(key, value);
      return Integer.toUnsignedLong(
          value.get(ValueLayout.JAVA_INT, Layouts.offset(Layouts.CONFIG_VALUE, "generation")));
    }
  }

  private long bumpGeneration() {
    long next = generation() + 1;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
      MemorySegment value = arena.allocate(Layouts.CONFIG_VALUE);
      value.set(
          ValueLayout.JAVA_INT, Layouts.offset(Layouts.CONFIG_VALUE, "generation"), (int) next);
      config.update(key, value);
    }
    return next;
  }

  /** Packets and bytes per counter slot, summed over CPUs and both directions. */
  public Map<Integer, long[]> counters() {
    Map<Integer, long[]> out = new HashMap<>();
    verdictCounters()
        .forEach(
            (k, v) -> {
              long[] sum = out.computeIfAbsent(k % Layouts.COUNTER_SLOTS, s -> new long[2]);
              sum[0] += v[0];
              sum[1] += v[1];
            });
    return out;
  }

  /**
   * The policy of each identity as last applied, for naming the audit-mode policies of an {@code
   * AUDIT} event; read from the flow log's thread.
   */
  public Map<Long, IdentityPolicy> appliedPolicies() {
    return appliedPolicies;
  }

  /**
   * Packets and bytes summed over CPUs, keyed as the map is: {@code direction * COUNTER_SLOTS +
   * slot}, the direction being {@code Layouts.DIR_INGRESS} or {@code DIR_EGRESS} of the pod.
   */
  public Map<Integer, long[]> verdictCounters() {
    return sum(counters);
  }

  /**
   * The packets and bytes forwarded under an audit report, keyed as {@code pal_audits} is ({@link
   * io.palisade.node.maps.Reason#auditCounter}).
   */
  public Map<Integer, long[]> auditCounters() {
    return sum(audits);
  }

  private static Map<Integer, long[]> sum(BpfMap map) {
    Map<Integer, long[]> out = new HashMap<>();
    long size = Layouts.COUNTER.byteSize();
    map.forEach(
        (k, v) -> {
          long packets = 0;
          long bytes = 0;
          for (long off = 0; off + size <= v.byteSize(); off += size) {
            packets += v.get(ValueLayout.JAVA_LONG, off);
            bytes += v.get(ValueLayout.JAVA_LONG, off + 8);
          }
          out.put(k.get(ValueLayout.JAVA_INT, 0), new long[] {packets, bytes});
        });
    return out;
  }

  /** How many entries each state map holds, by map name. */
  public synchronized Map<String, Integer> fill() {
    return Map.of(
        MapNames.IPCACHE, hosts.size(),
        MapNames.IPCACHE_LPM, cidrs.size(),
        MapNames.ENDPOINTS, endpoints.size(),
        MapNames.POLICY, policy.size(),
        MapNames.POLICY_EXACT, policyExact.size(),
        MapNames.SERVICES, services.size(),
        MapNames.BACKENDS, backends.size());
  }

  /** What both policy maps hold, as read back from the kernel at open and kept since. */
  public synchronized Map<PolicyKey, PolicyValue> policyEntries() {
    Map<PolicyKey, PolicyValue> all = new HashMap<>(policy.contents());
    all.putAll(policyExact.contents());
    return all;
  }

  /**
   * Closes this process's handles and releases the pins' lock; programs stay attached and maps stay
   * pinned.
   */
  @Override
  public synchronized void close() {
    object.close();
    lock.close();
  }

  /** Removes every pin under {@code pinRoot} and the directory (the datapath is uninstalled). */
  public static void unpinAll(Path pinRoot) {
    try {
      if (!Files.isDirectory(pinRoot)) {
        return;
      }
      try (var files = Files.list(pinRoot)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(pinRoot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
