package io.palisade.node.discovery;

import io.palisade.node.datapath.RouteLookup;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.policy.identity.CidrPrefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one home of interface discovery: finds the host-side veth of a pod address without being told
 * it, for the CNIs people run. In order: a record of the chained CNI plugin (the CNI said so on
 * ADD), a host route without gateway (routed CNIs: Calico, Cilium, ptp), and the tables of a Linux
 * bridge (flannel's cni0, the bridge plugin, kindnet): the address's MAC in the neighbour table of
 * the bridge, and the one bridge port that MAC was learned on. Each answer must name a veth that is
 * there now; anything less is {@link Placement.Pending} with every reason, never a guess. A bridge
 * port once found stays the address's while that veth (same ifindex) is still a port of that bridge
 * and no fresher entry points elsewhere: a quiet pod's forwarding entry ages out after five
 * minutes, its veth does not. Reads the calling thread's network namespace; passes must not run
 * concurrently.
 */
public final class EndpointDiscovery implements InterfaceFinder {

  private final Path records;
  private final Consumer<String> problems;
  private final Map<CidrPrefix, Rtnetlink.Link> bridged = new ConcurrentHashMap<>();

  /**
   * @param records the chained CNI plugin's record directory ({@link ChainedRecords#DEFAULT_DIR})
   * @param problems told about each unreadable record line
   */
  public EndpointDiscovery(Path records, Consumer<String> problems) {
    this.records = records;
    this.problems = problems;
  }

  @Override
  public Placement place(EndpointState endpoint, CidrPrefix address) {
    return fresh().place(endpoint, address);
  }

  @Override
  public InterfaceFinder fresh() {
    HostTables tables = new HostTables(records);
    return (endpoint, address) -> place(tables, address);
  }

  /**
   * This finder for a host that holds only some pods of the cluster it is told about (standalone
   * mode): a pod whose interface is not found is taken to run elsewhere, not pending.
   */
  public InterfaceFinder foundOnly() {
    return new InterfaceFinder() {
      @Override
      public Placement place(EndpointState endpoint, CidrPrefix address) {
        return fresh().place(endpoint, address);
      }

      @Override
      public InterfaceFinder fresh() {
        InterfaceFinder now = EndpointDiscovery.this.fresh();
        return (endpoint, address) ->
            now.place(endpoint, address) instanceof Placement.Here h
                ? h
                : new Placement.Elsewhere();
      }
    };
  }

  private Placement place(HostTables t, CidrPrefix address) {
    List<String> why = new ArrayList<>();
    Optional<String> found = fromRecord(t, address, why);
    if (found.isEmpty()) {
      found = fromRoute(t, address, why);
    }
    if (found.isEmpty()) {
      BridgeAnswer bridge = fromBridge(t, address, why);
      found = bridge.port();
      if (found.isEmpty()) {
        found = lastBridged(t, address, bridge.disagreed());
      }
    }
    t.recordProblems().forEach(problems);
    return found
        .<Placement>map(Placement.Here::new)
        .orElseGet(() -> new Placement.Pending(String.join("; ", why)));
  }

  /** A chained CNI record naming a veth that still has the ifindex the plugin saw. */
  private static Optional<String> fromRecord(HostTables t, CidrPrefix address, List<String> why) {
    List<ChainedRecords.Recorded> recorded = t.records(address);
    if (recorded.isEmpty()) {
      why.add("no chained CNI record");
      return Optional.empty();
    }
    List<String> live = new ArrayList<>();
    for (ChainedRecords.Recorded r : recorded) {
      ChainedRecords.Entry e = r.entry();
      Optional<Rtnetlink.Link> link = t.link(e.hostInterface());
      if (link.isPresent() && link.get().ifindex() == e.ifindex() && link.get().isVeth()) {
        live.add(e.hostInterface());
      } else {
        why.add(
            "the CNI record of container "
                + r.containerId()
                + " names "
                + e.hostInterface()
                + " (ifindex "
                + e.ifindex()
                + "), which is not here any more");
      }
    }
    return unique(live, "CNI records", why);
  }

  /** A host route (/32, /128) without gateway through a veth. */
  private static Optional<String> fromRoute(HostTables t, CidrPrefix address, List<String> why) {
    Optional<String> dev = RouteLookup.hostVeth(address);
    if (dev.isEmpty()) {
      why.add("no host route");
      return Optional.empty();
    }
    Optional<Rtnetlink.Link> link = t.link(dev.get());
    if (link.isEmpty() || !link.get().isVeth()) {
      why.add("the host route goes through " + dev.get() + ", which is not a veth");
      return Optional.empty();
    }
    return dev;
  }

  /** What the bridge tables say: the one port behind an address, or whether ports disagreed. */
  private record BridgeAnswer(Optional<String> port, boolean disagreed) {}

  /** The bridge port behind the address: neighbour entry on a bridge, then that MAC's port. */
  private BridgeAnswer fromBridge(HostTables t, CidrPrefix address, List<String> why) {
    List<String> ports = new ArrayList<>();
    boolean onBridge = false;
    for (Rtnetlink.Neighbour n : t.neighbours(address)) {
      Optional<Rtnetlink.Link> bridge = t.link(n.ifindex());
      if (bridge.isEmpty() || !bridge.get().isBridge()) {
        continue;
      }
      onBridge = true;
      List<String> here = t.bridgePorts(n.mac(), n.ifindex());
      if (here.isEmpty()) {
        why.add(
            "MAC "
                + n.mac()
                + " is in the neighbour table of "
                + bridge.get().name()
                + " but on no veth port of it");
      }
      ports.addAll(here);
    }
    if (!onBridge) {
      why.add("no neighbour entry on a bridge (the pod has not sent to the node yet)");
      return new BridgeAnswer(Optional.empty(), false);
    }
    Optional<String> port = unique(ports, "bridge ports", why);
    port.flatMap(t::link).ifPresent(l -> bridged.put(address, l));
    return new BridgeAnswer(port, ports.stream().distinct().count() > 1);
  }

  /**
   * The bridge port found before, if it is still the same veth on the same bridge and no fresh
   * entries disagree (forwarding entries age out, so a quiet pod's port is remembered).
   */
  private Optional<String> lastBridged(HostTables t, CidrPrefix address, boolean disagreed) {
    Rtnetlink.Link before = bridged.get(address);
    if (before == null) {
      return Optional.empty();
    }
    Optional<Rtnetlink.Link> now = t.link(before.name());
    if (disagreed
        || now.isEmpty()
        || now.get().ifindex() != before.ifindex()
        || now.get().master() != before.master()) {
      bridged.remove(address);
      return Optional.empty();
    }
    return Optional.of(before.name());
  }

  private static Optional<String> unique(List<String> names, String what, List<String> why) {
    List<String> distinct = names.stream().distinct().toList();
    if (distinct.size() > 1) {
      why.add(what + " disagree: " + String.join(", ", distinct));
      return Optional.empty();
    }
    return distinct.stream().findFirst();
  }
}
