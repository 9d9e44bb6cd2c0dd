package io.palisade.node.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node made of network namespaces: the node itself (holding every pod's host-side veth, routing
 * between them), one namespace per pod joined to it by a veth pair, and an outside host beyond the
 * node's uplink for CIDR and world rules. Everything lives in namespaces this object made; closing
 * deletes them all. Pods use a link-local gateway on their veth, as Calico and Cilium do.
 */
public final class Topology implements AutoCloseable {

  /**
   * How pods reach the node: a /32 (/128) host route per pod through its veth (Calico, Cilium), or
   * a Linux bridge {@link #BRIDGE} with the pods' veths enslaved and no host routes (flannel's
   * cni0, the bridge plugin, kindnet): the pods share a /24 (/64) whose gateway is the bridge's
   * address.
   */
  public enum Wiring {
    ROUTED,
    BRIDGED
  }

  public static final String BRIDGE = "br0";

  public static final String GATEWAY4 = "169.254.1.1";
  public static final String GATEWAY6 = "fe80::1";
  public static final String NODE_UPLINK = "192.168.250.1";
  public static final String OUTSIDE_UPLINK = "192.168.250.2";

  /** A pod as wired: its namespace and the name of its host-side veth in the node. */
  public record PodNet(PodSpec spec, NetNs netns, String hostVeth) {}

  private final String run;
  private final List<NetNs> created = new ArrayList<>();
  private final Map<String, PodNet> pods = new LinkedHashMap<>();
  private boolean bridgeUp;

  /** {@code addr add}, without duplicate address detection for IPv6 (usable at once). */
  private static String[] addr(String address, String dev, boolean ipv6) {
    return ipv6
        ? new String[] {"-6", "addr", "add", address, "dev", dev, "nodad"}
        : new String[] {"addr", "add", address, "dev", dev};
  }

  private final NetNs node;
  private final Wiring wiring;
  private NetNs outside;

  private Topology(String run, Wiring wiring) {
    this.run = run;
    this.wiring = wiring;
    this.node = track(NetNs.create("pal-" + run + "-node"));
    quietIpv6(node);
    node.sysctl("net.ipv4.ip_forward", "1");
    node.sysctl("net.ipv6.conf.all.forwarding", "1");
    node.sysctl("net.ipv4.conf.all.rp_filter", "0");
    node.sysctl("net.ipv4.conf.default.rp_filter", "0");
  }

  /**
   * Builds the node, its pods and (when {@code outsideAddresses} is not empty) the outside host.
   */
  public static Topology create(String run, List<PodSpec> specs, List<String> outsideAddresses) {
    return create(run, specs, outsideAddresses, Wiring.ROUTED);
  }

  /** As {@link #create(String, List, List)}, with the pods wired as {@code wiring} says. */
  public static Topology create(
      String run, List<PodSpec> specs, List<String> outsideAddresses, Wiring wiring) {
    Topology t = new Topology(run, wiring);
    try {
      for (PodSpec s : specs) {
        t.addPod(s);
      }
      if (!outsideAddresses.isEmpty()) {
        t.addOutside(outsideAddresses);
      }
      return t;
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
  }

  private NetNs track(NetNs ns) {
    created.add(ns);
    return ns;
  }

  private static void quietIpv6(NetNs ns) {
    // No duplicate address detection: addresses are usable at once, probes do not race it.
    ns.sysctl("net.ipv6.conf.all.accept_dad", "0");
    ns.sysctl("net.ipv6.conf.default.accept_dad", "0");
  }

  private void addPod(PodSpec s) {
    String veth = "lxc" + pods.size();
    NetNs pod = track(NetNs.create("pal-" + run + "-p" + pods.size()));
    quietIpv6(pod);
    PodNet net = new PodNet(s, pod, veth);
    wire(net);
    pods.put(s.qualifiedName(), net);
  }

  /** Joins a pod to the node with a fresh veth pair, as its CNI would (again, after a delete). */
  public void wire(PodNet p) {
    PodSpec s = p.spec();
    NetNs pod = p.netns();
    String veth = p.hostVeth();
    node.ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", pod.name());
    node.ip("link", "set", veth, "up");
    pod.ip("link", "set", "eth0", "up");
    if (wiring == Wiring.BRIDGED) {
      bridge(s, pod, veth);
    } else if (s.ipv6()) {
      node.ip("-6", "addr", "add", GATEWAY6 + "/64", "dev", veth, "nodad");
      node.ip("-6", "route", "add", s.ip() + "/128", "dev", veth);
      pod.ip("-6", "addr", "add", s.ip() + "/128", "dev", "eth0", "nodad");
      pod.ip("-6", "route", "add", "default", "via", GATEWAY6, "dev", "eth0");
    } else {
      node.ip("addr", "add", GATEWAY4 + "/32", "dev", veth);
      node.ip("route", "add", s.ip() + "/32", "dev", veth);
      pod.ip("addr", "add", s.ip() + "/32", "dev", "eth0");
      pod.ip("route", "add", GATEWAY4, "dev", "eth0", "scope", "link");
      pod.ip("route", "add", "default", "via", GATEWAY4, "dev", "eth0");
    }
  }

  /**
   * Enslaves the veth to the bridge (made with the first pod, holding the .1 or ::1 of the pods'
   * subnet) and gives the pod an address in that subnet with the bridge as its gateway. Then the
   * pod sends to its gateway once, as a pod does when it first talks: only then does the node hold
   * the pod's address in its neighbour table.
   */
  private void bridge(PodSpec s, NetNs pod, String veth) {
    String gateway =
        s.ipv6() ? s.ip().replaceAll(":[0-9a-f]+$", ":1") : s.ip().replaceAll("\\.[0-9]+$", ".1");
    String len = s.ipv6() ? "/64" : "/24";
    if (!bridgeUp) {
      // A fixed address, as CNIs give their bridge: one taken from the ports would change as
      // ports come and go, and each change flushes the bridge's neighbour table.
      node.ip("link", "add", BRIDGE, "address", "02:70:61:6c:00:01", "type", "bridge");
      node.ip("link", "set", BRIDGE, "up");
      bridgeUp = true;
    }
    if (!node.ip("addr", "show", "dev", BRIDGE).contains(gateway + len)) {
      node.ip(addr(gateway + len, BRIDGE, s.ipv6()));
    }
    node.ip("link", "set", veth, "master", BRIDGE);
    pod.ip(addr(s.ip() + len, "eth0", s.ipv6()));
    pod.ip("route", "add", "default", "via", gateway, "dev", "eth0");
    Sh.Result r = pod.exec("ping", "-c", "1", "-W", "2", gateway);
    if (r.exit() != 0) {
      throw new HarnessException(
          "pod " + s.qualifiedName() + " cannot reach its gateway: " + r.output());
    }
  }

  private void addOutside(List<String> addresses) {
    outside = track(NetNs.create("pal-" + run + "-out"));
    node.ip("link", "add", "ext0", "type", "veth", "peer", "name", "eth0", "netns", outside.name());
    node.ip("addr", "add", NODE_UPLINK + "/24", "dev", "ext0");
    node.ip("link", "set", "ext0", "up");
    outside.ip("addr", "add", OUTSIDE_UPLINK + "/24", "dev", "eth0");
    outside.ip("link", "set", "eth0", "up");
    Set<String> pod24s = new TreeSet<>();
    for (PodNet p : pods.values()) {
      if (!p.spec().ipv6()) {
        pod24s.add(p.spec().ip().replaceAll("\\.[0-9]+$", ".0/24"));
      }
    }
    for (String net : pod24s) {
      outside.ip("route", "add", net, "via", NODE_UPLINK);
    }
    for (String a : addresses) {
      outside.ip("addr", "add", a + "/32", "dev", "lo");
      node.ip("route", "add", a + "/32", "via", OUTSIDE_UPLINK);
    }
  }

  public NetNs node() {
    return node;
  }

  public NetNs outside() {
    return outside;
  }

  public PodNet pod(String qualifiedName) {
    PodNet p = pods.get(qualifiedName);
    if (p == null) {
      throw new IllegalArgumentException("no pod " + qualifiedName);
    }
    return p;
  }

  public List<PodNet> pods() {
    return List.copyOf(pods.values());
  }

  /** {@code namespace/pod} to host-side veth, what the datapath is told to attach to. */
  public Map<String, String> veths() {
    Map<String, String> out = new LinkedHashMap<>();
    pods.values().forEach(p -> out.put(p.spec().qualifiedName(), p.hostVeth()));
    return out;
  }

  /** Places each pod of this topology behind its veth, and every other endpoint elsewhere. */
  public io.palisade.node.discovery.InterfaceFinder finder() {
    Map<String, String> veths = veths();
    return (endpoint, address) ->
        veths.containsKey(endpoint.id())
            ? new io.palisade.node.discovery.Placement.Here(veths.get(endpoint.id()))
            : new io.palisade.node.discovery.Placement.Elsewhere();
  }

  /** The cluster inventory the policy engine reads: Namespaces and Pods as YAML. */
  public String clusterYaml() {
    StringBuilder sb = new StringBuilder();
    Set<String> namespaces = new TreeSet<>();
    pods.values().forEach(p -> namespaces.add(p.spec().namespace()));
    for (String ns : namespaces) {
      sb.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ")
          .append(ns)
          .append("\n  labels:\n    team: ")
          .append(ns)
          .append("\n---\n");
    }
    for (PodNet p : pods.values()) {
      PodSpec s = p.spec();
      sb.append("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ").append(s.name());
      sb.append("\n  namespace: ").append(s.namespace()).append("\n  labels:\n");
      s.labels().forEach((k, v) -> sb.append("    ").append(k).append(": ").append(v).append('\n'));
      sb.append("status:\n  podIP: \"").append(s.ip()).append("\"\n---\n");
    }
    return sb.toString();
  }

  /** Deletes every namespace made, pods and outside host first, the node last. */
  @Override
  public void close() {
    for (int i = created.size() - 1; i >= 0; i--) {
      created.get(i).close();
    }
    created.clear();
  }
}
