package io.palisade.node.stream;

import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.PendingEndpoint;
import io.palisade.node.discovery.InterfaceFinder;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.proto.codec.CompactIpcache;
import io.palisade.proto.codec.IpcachePacking;
import io.palisade.proto.codec.NodeStateCodec;
import io.palisade.proto.codec.NodeStateDiff;
import io.palisade.proto.nodestate.v1.Delta;
import io.palisade.proto.nodestate.v1.Endpoint;
import io.palisade.proto.nodestate.v1.FqdnSelectorIdentity;
import io.palisade.proto.nodestate.v1.IdentityPolicy;
import io.palisade.proto.nodestate.v1.IpcacheEntry;
import io.palisade.proto.nodestate.v1.PolicyChange;
import io.palisade.proto.nodestate.v1.ServiceEntry;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node's state as the operator streams it, in wire form: a snapshot replaces it, a delta makes
 * a new view and leaves this one as it was (a failed apply keeps the view in force). What a delta
 * does not touch is shared between the views, never copied: a policy change on a node of a large
 * cluster must not cost the cluster's whole ipcache. {@link #desired} maps it onto the datapath's
 * {@link DatapathState}; {@link #snapshot} gives it back as a message, to keep beside the pins.
 */
final class NodeView {

  // Never changed once a view is made: views share it. Parsed once, when it arrives.
  private final CompactIpcache ipcache;

  /** The version of the shared ipcache this view holds (0: none it can name). */
  private final long ipcacheVersion;

  /** This node's own entries, which win over the shared ones (its addresses are the host). */
  private final Map<String, Long> localIpcache;

  private final Map<String, Endpoint> endpoints;
  private final Map<Long, IdentityPolicy.Builder> policies;

  /** Service frontends every node shares, and this node's own (its NodePorts), which win. */
  private final Map<ServiceFrontend, List<ServiceBackend>> services;

  private final Map<ServiceFrontend, List<ServiceBackend>> localServices;

  /**
   * The {@code toFQDNs} selector identities the node's policies use, by identity: the DNS proxy
   * gives them the addresses it learns. Never changed once a view is made: views share it.
   */
  private final Map<Long, String> fqdnSelectors;

  /** Both as one checked table, made when first asked for. */
  private ServiceTable table;

  /**
   * The shared ipcache with this node's own entries over it, made when first asked for and handed
   * on to the next view by a delta ({@link MergedIpcache}): the daemon binds its revision again
   * every few seconds and applies deltas that mostly touch no address, and copying 30,000 entries
   * for either is what a node holding Cilium's scale shape would spend its CPU and heap on.
   */
  private Map<CidrPrefix, Long> withLocal;

  /** Each identity's policy resolved, made when first asked for. */
  private final Map<Long, io.palisade.pipeline.model.IdentityPolicy> resolved;

  /**
   * The node's endpoints and the policy of each of its identities, as immutable values made when
   * first asked for: the daemon binds the same view again every second, and the datapath state of
   * each binding then holds the same maps, compared by reference.
   */
  private List<EndpointState> endpointStates;

  private Map<Long, io.palisade.pipeline.model.IdentityPolicy> resolvedAll;

  private NodeView(
      CompactIpcache ipcache,
      long ipcacheVersion,
      Map<String, Long> localIpcache,
      Map<String, Endpoint> endpoints,
      Map<Long, IdentityPolicy.Builder> policies,
      Map<Long, io.palisade.pipeline.model.IdentityPolicy> resolved,
      Map<ServiceFrontend, List<ServiceBackend>> services,
      Map<ServiceFrontend, List<ServiceBackend>> localServices,
      Map<Long, String> fqdnSelectors,
      ServiceTable table,
      Map<CidrPrefix, Long> withLocal) {
    this.ipcache = ipcache;
    this.ipcacheVersion = ipcacheVersion;
    this.localIpcache = localIpcache;
    this.endpoints = endpoints;
    this.policies = policies;
    this.resolved = resolved;
    this.services = services;
    this.localServices = localServices;
    this.fqdnSelectors = fqdnSelectors;
    this.table = table;
    this.withLocal = withLocal;
  }

  static NodeView empty() {
    return empty(CompactIpcache.EMPTY, 0);
  }

  private static NodeView empty(CompactIpcache ipcache, long ipcacheVersion) {
    return new NodeView(
        ipcache,
        ipcacheVersion,
        new TreeMap<>(),
        new TreeMap<>(),
        new TreeMap<>(),
        new HashMap<>(),
        new HashMap<>(),
        new HashMap<>(),
        new TreeMap<>(),
        null,
        null);
  }

  /**
   * The view {@code s} gives, on a node that holds {@code held}: a snapshot that keeps the shared
   * ipcache keeps {@code held}'s.
   *
   * @throws IllegalArgumentException on a prefix, packed ipcache, Service frontend or backend the
   *     encoder never writes, or a kept ipcache the node does not hold
   */
  static NodeView of(Snapshot s, NodeView held) {
    NodeView v;
    if (s.getIpcacheKept()) {
      if (held.ipcacheVersion == 0) {
        throw new IllegalArgumentException(
            "snapshot.ipcache_kept: the node holds no shared ipcache it can name");
      }
      v = empty(held.ipcache, held.ipcacheVersion);
    } else if (s.hasPackedIpcache()) {
      v = empty(IpcachePacking.unpack(s.getPackedIpcache()), s.getPackedIpcache().getVersion());
    } else {
      Map<CidrPrefix, Long> ip = HashMap.newHashMap(s.getIpcacheCount());
      s.getIpcacheList().forEach(e -> ip.put(DatapathState.prefix(e.getPrefix()), e.getIdentity()));
      v = empty(CompactIpcache.of(ip), 0);
    }
    s.getLocalIpcacheList().forEach(e -> v.localIpcache.put(e.getPrefix(), e.getIdentity()));
    s.getEndpointsList().forEach(e -> v.endpoints.put(e.getId(), e));
    s.getPoliciesList().forEach(p -> v.policies.put(p.getIdentity(), p.toBuilder()));
    put(v.services, s.getServicesList());
    put(v.localServices, s.getLocalServicesList());
    s.getFqdnSelectorsList().forEach(f -> v.fqdnSelectors.put(f.getIdentity(), f.getSelector()));
    if (v.ipcache == held.ipcache && v.localIpcache.equals(held.localIpcache)) {
      v.withLocal = held.withLocal; // a resync that kept the ipcache: the same merged map
    }
    return v;
  }

  private static void put(
      Map<ServiceFrontend, List<ServiceBackend>> into, List<ServiceEntry> entries) {
    for (ServiceEntry e : entries) {
      into.put(NodeStateCodec.frontend(e.getFrontend()), NodeStateCodec.backends(e));
    }
  }

  /** {@code services} with a delta's upserts and deletes, or itself when it has none. */
  private static Map<ServiceFrontend, List<ServiceBackend>> changed(
      Map<ServiceFrontend, List<ServiceBackend>> services,
      List<ServiceEntry> upserts,
      List<io.palisade.proto.nodestate.v1.ServiceFrontend> deletes) {
    if (upserts.isEmpty() && deletes.isEmpty()) {
      return services;
    }
    Map<ServiceFrontend, List<ServiceBackend>> out = new HashMap<>(services);
    deletes.forEach(f -> out.remove(NodeStateCodec.frontend(f)));
    put(out, upserts);
    return out;
  }

  /**
   * A new view with {@code d} applied; this view is left as it was.
   *
   * @throws IllegalArgumentException on a Service frontend or backend the encoder never writes
   */
  NodeView with(Delta d) {
    CompactIpcache ip = ipcache;
    long version = d.getIpcacheVersion();
    Set<CidrPrefix> touched = new HashSet<>();
    if (d.getIpcacheDeletesCount() > 0 || d.getIpcacheUpsertsCount() > 0) {
      List<CidrPrefix> deletes = new ArrayList<>();
      for (String prefix : d.getIpcacheDeletesList()) {
        deletes.add(DatapathState.prefix(prefix));
      }
      Map<CidrPrefix, Long> upserts = new HashMap<>();
      for (IpcacheEntry e : d.getIpcacheUpsertsList()) {
        upserts.put(DatapathState.prefix(e.getPrefix()), e.getIdentity());
      }
      touched.addAll(deletes);
      touched.addAll(upserts.keySet());
      ip = ipcache.with(deletes, upserts);
    } else if (version == 0) {
      version = ipcacheVersion; // unchanged, and the delta does not say otherwise
    }
    Map<String, Long> local = localIpcache;
    if (d.getLocalIpcacheDeletesCount() > 0 || d.getLocalIpcacheUpsertsCount() > 0) {
      local = new TreeMap<>(localIpcache);
      for (String prefix : d.getLocalIpcacheDeletesList()) {
        local.remove(prefix);
        touched.add(DatapathState.prefix(prefix));
      }
      for (IpcacheEntry e : d.getLocalIpcacheUpsertsList()) {
        local.put(e.getPrefix(), e.getIdentity());
        touched.add(DatapathState.prefix(e.getPrefix()));
      }
    }
    // Most deltas change a port or a peer: they keep the merged ipcache as it is.
    Map<CidrPrefix, Long> merged =
        withLocal == null ? null : MergedIpcache.updated(withLocal, ip, local, touched);
    Map<String, Endpoint> eps = endpoints;
    if (d.getEndpointDeletesCount() > 0 || d.getEndpointUpsertsCount() > 0) {
      eps = new TreeMap<>(endpoints);
      d.getEndpointDeletesList().forEach(eps::remove);
      for (Endpoint e : d.getEndpointUpsertsList()) {
        eps.put(e.getId(), e);
      }
    }
    Map<Long, IdentityPolicy.Builder> pol = policies;
    Map<Long, io.palisade.pipeline.model.IdentityPolicy> res = resolved;
    if (d.getPolicyDeletesCount() > 0 || d.getPolicyChangesCount() > 0) {
      pol = new TreeMap<>(policies);
      res = new HashMap<>(resolved);
      for (long id : d.getPolicyDeletesList()) {
        pol.remove(id);
        res.remove(id);
      }
      for (PolicyChange c : d.getPolicyChangesList()) {
        pol.put(c.getIdentity(), changed(pol.get(c.getIdentity()), c));
        res.remove(c.getIdentity());
      }
    }
    Map<ServiceFrontend, List<ServiceBackend>> svc =
        changed(services, d.getServiceUpsertsList(), d.getServiceDeletesList());
    Map<ServiceFrontend, List<ServiceBackend>> localSvc =
        changed(localServices, d.getLocalServiceUpsertsList(), d.getLocalServiceDeletesList());
    Map<Long, String> fqdn = fqdnSelectors;
    if (d.getFqdnSelectorDeletesCount() > 0 || d.getFqdnSelectorUpsertsCount() > 0) {
      fqdn = new TreeMap<>(fqdnSelectors);
      d.getFqdnSelectorDeletesList().forEach(fqdn::remove);
      for (FqdnSelectorIdentity f : d.getFqdnSelectorUpsertsList()) {
        fqdn.put(f.getIdentity(), f.getSelector());
      }
    }
    ServiceTable t = svc == services && localSvc == localServices ? table : null;
    return new NodeView(ip, version, local, eps, pol, res, svc, localSvc, fqdn, t, merged);
  }

  /** A policy with one change applied, as a new builder: the old one may be shared. */
  private static IdentityPolicy.Builder changed(IdentityPolicy.Builder old, PolicyChange c) {
    IdentityPolicy.Builder b =
        c.getReplace() || old == null
            ? IdentityPolicy.newBuilder().setIdentity(c.getIdentity())
            : old.clone();
    b.setEnforceIngress(c.getEnforceIngress()).setEnforceEgress(c.getEnforceEgress());
    if (c.hasAudit()) {
      b.setAudit(c.getAudit());
    } else {
      b.clearAudit();
    }
    Map<io.palisade.proto.nodestate.v1.MapStateKey, io.palisade.proto.nodestate.v1.MapStateEntry>
        entries = new LinkedHashMap<>();
    b.getEntriesList().forEach(e -> entries.put(e.getKey(), e));
    c.getDeletesList().forEach(entries::remove);
    c.getUpsertsList().forEach(e -> entries.put(e.getKey(), e));
    return b.clearEntries().addAllEntries(entries.values());
  }

  /** The version of the shared ipcache this view holds, for the hello; 0 when it cannot say. */
  long ipcacheVersion() {
    return ipcacheVersion;
  }

  /** The view as a snapshot, its shared ipcache packed. */
  Snapshot snapshot() {
    Snapshot.Builder s = Snapshot.newBuilder();
    s.setPackedIpcache(IpcachePacking.packParsed(ipcacheVersion, ipcache));
    s.addAllEndpoints(endpoints.values());
    policies.values().forEach(b -> s.addPolicies(b.build()));
    localIpcache.forEach(
        (prefix, id) ->
            s.addLocalIpcache(IpcacheEntry.newBuilder().setPrefix(prefix).setIdentity(id).build()));
    services.forEach((f, b) -> s.addServices(NodeStateCodec.service(f, b)));
    localServices.forEach((f, b) -> s.addLocalServices(NodeStateCodec.service(f, b)));
    fqdnSelectors.forEach((id, key) -> s.addFqdnSelectors(NodeStateDiff.fqdnSelector(id, key)));
    return s.build();
  }

  /** The node's endpoints, as the pipeline's model has them. */
  List<EndpointState> endpointStates() {
    if (endpointStates == null) {
      List<EndpointState> local = new ArrayList<>();
      endpoints.values().forEach(e -> local.add(NodeStateCodec.endpoint(e)));
      endpointStates = List.copyOf(local);
    }
    return endpointStates;
  }

  /**
   * The node's endpoints, their identities' policies and the {@code toFQDNs} selector identities,
   * as the node's L7 and DNS proxies read them.
   */
  LocalState local() {
    Map<String, EndpointState> eps = new HashMap<>();
    endpointStates().forEach(e -> eps.put(e.id(), e));
    return new LocalState(eps, resolvedPolicies(), localIpcache, Map.of(), fqdnSelectors);
  }

  /** The ipcache with the node's own entries over the shared ones, as the proxy's peers. */
  Map<String, Long> peers() {
    return new PeerNames(merged());
  }

  /** The shared ipcache with the node's own entries over it, made once and handed on by deltas. */
  Map<CidrPrefix, Long> merged() {
    if (withLocal == null) {
      withLocal = MergedIpcache.of(ipcache, localIpcache);
    }
    return withLocal;
  }

  private Map<Long, io.palisade.pipeline.model.IdentityPolicy> resolvedPolicies() {
    if (resolvedAll == null) {
      Map<Long, io.palisade.pipeline.model.IdentityPolicy> out = new HashMap<>();
      for (IdentityPolicy.Builder b : policies.values()) {
        out.put(
            b.getIdentity(),
            resolved.computeIfAbsent(b.getIdentity(), id -> NodeStateCodec.policy(b.build())));
      }
      resolvedAll = Map.copyOf(out);
    }
    return resolvedAll;
  }

  /**
   * The datapath's view: one local endpoint per address {@code finder} places behind an interface
   * here (one it finds pending goes to {@code pending} and is not enforced), each identity's
   * MapState, and the Service frontends, the node's own over the shared ones.
   *
   * @throws IllegalArgumentException on a prefix, key, verdict or Service the datapath cannot hold
   */
  DatapathState desired(InterfaceFinder finder, List<PendingEndpoint> pending) {
    return desired(finder, pending, Map.of());
  }

  /**
   * As {@link #desired(InterfaceFinder, List)}, with the addresses the node's DNS proxy learned for
   * {@code toFQDNs} selectors ({@code learned}, prefix to selector identity) under the operator's
   * ipcache: any entry of the stream's overrides a learned one, as in file mode.
   */
  DatapathState desired(
      InterfaceFinder finder, List<PendingEndpoint> pending, Map<String, Long> learned) {
    Map<Long, io.palisade.pipeline.model.IdentityPolicy> out = resolvedPolicies();
    if (table == null) {
      Map<ServiceFrontend, List<ServiceBackend>> all = new HashMap<>(services);
      all.putAll(localServices);
      table = new ServiceTable(all);
    }
    Map<CidrPrefix, Long> all;
    if (learned.isEmpty()) {
      all = merged();
    } else {
      // The operator's entries win over learned ones: only the prefixes it does not name go in.
      Map<CidrPrefix, Long> extra = new HashMap<>();
      learned.forEach(
          (p, id) -> {
            CidrPrefix parsed = DatapathState.prefix(p);
            if (!ipcache.containsKey(parsed)) {
              extra.put(parsed, id);
            }
          });
      all = DatapathState.withLocal(ipcache.with(List.of(), extra), localIpcache);
    }
    return DatapathState.bind(all, endpointStates(), out, finder, pending).withServices(table);
  }
}
