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

  public static final String GATEWAY4 = "169.254.1.1";
  public static final String GATEWAY6 = "fe80::1";
  public static final String NODE_UPLINK = "192.168.250.1";
  public static final String OUTSIDE_UPLINK = "192.168.250.2";

  /** A pod as wired: its namespace and the name of its host-side veth in the node. */
  public record PodNet(PodSpec spec, NetNs netns, String hostVeth) {}

  private final String run;
  private final List<NetNs> created = new ArrayList<>();
  private final Map<String, PodNet> pods = new LinkedHashMap<>();
  private final NetNs node;
  private NetNs outside;

  private Topology(String run) {
    this.run = run;
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
    Topology t = new Topology(run);
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
    node.ip("link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", pod.name());
    node.ip("link", "set", veth, "up");
    pod.ip("link", "set", "eth0", "up");
    if (s.ipv6()) {
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
    pods.put(s.qualifiedName(), new PodNet(s, pod, veth));
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
