package io.palisade.policy.identity;

import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The addresses of the cluster's nodes and of its API server, and the labels Cilium's ipcache gives
 * each as one node sees it ({@code pkg/ipcache/metadata.go}, {@code resolveIdentity}): the node's
 * own addresses are {@code host}; another node's are {@code remote-node}; an API server address
 * that is another node's is the {@code kube-apiserver} identity (7), which carries both labels; one
 * that is the local node's is the host with the {@code kube-apiserver} label added; one outside
 * every node is a CIDR identity of its address (so in {@code world}) with the {@code
 * kube-apiserver} label. Addresses are kept as host prefixes ({@code 10.0.0.1/32}), the ipcache's
 * keys.
 */
public record ReservedAddresses(Map<String, Set<String>> nodes, Set<String> apiServer) {

  public static final ReservedAddresses NONE = new ReservedAddresses(Map.of(), Set.of());

  public ReservedAddresses {
    Map<String, Set<String>> n = new TreeMap<>();
    nodes.forEach((name, addresses) -> n.put(name, Set.copyOf(prefixes(addresses))));
    nodes = Map.copyOf(n);
    apiServer = Set.copyOf(prefixes(apiServer));
  }

  /** Addresses ({@code 10.0.0.1}) or host prefixes as host prefixes; anything else is dropped. */
  private static List<String> prefixes(Collection<String> addresses) {
    List<String> out = new ArrayList<>();
    for (String a : addresses) {
      hostPrefix(a).ifPresent(out::add);
    }
    return out;
  }

  /** {@code 10.0.0.1} or {@code 10.0.0.1/32} as {@code 10.0.0.1/32}; empty for anything else. */
  public static Optional<String> hostPrefix(String address) {
    String bare =
        address.endsWith("/32") || address.endsWith("/128")
            ? address.substring(0, address.lastIndexOf('/'))
            : address;
    return CidrPrefix.parseAddress(bare).map(b -> CidrPrefix.host(b).toString());
  }

  /** Every node address and API server address, as host prefixes, sorted. */
  public Set<String> prefixes() {
    Set<String> out = new TreeSet<>(apiServer);
    nodes.values().forEach(out::addAll);
    return out;
  }

  /** The addresses of {@code node}; none for a node not listed. */
  public Set<String> of(String node) {
    return nodes.getOrDefault(node, Set.of());
  }

  /**
   * The labels of {@code prefix} as {@code localNode} sees it (none: as a node that is none of the
   * listed ones sees it, which is how every node sees the others'); empty when the prefix is
   * neither a node's nor the API server's.
   */
  public Optional<Labels> labels(String prefix, Optional<String> localNode) {
    boolean local = localNode.map(n -> of(n).contains(prefix)).orElse(false);
    boolean api = apiServer.contains(prefix);
    boolean remote = !local && nodes.values().stream().anyMatch(a -> a.contains(prefix));
    List<Label> labels = new ArrayList<>();
    if (local) {
      labels.add(Label.reserved(ReservedIdentity.HOST.labelName()));
    } else if (remote) {
      labels.add(Label.reserved(ReservedIdentity.REMOTE_NODE.labelName()));
    }
    if (api) {
      labels.add(Label.reserved(ReservedIdentity.KUBE_APISERVER.labelName()));
      if (!local && !remote) {
        CidrPrefix p = CidrPrefix.read(prefix);
        labels.add(new Label(Label.CIDR, p.labelKey(), ""));
        labels.add(Label.reserved(ReservedIdentity.world(p.isIpv4()).labelName()));
      }
    }
    return labels.isEmpty() ? Optional.empty() : Optional.of(Labels.of(labels));
  }

  /**
   * The identity of such labels: the reserved identity that has exactly them (host 1, remote-node
   * 6, kube-apiserver 7), or else a node-local one. Cilium keeps the number 1 for a host that also
   * serves the API and adds the label to it; here one engine serves every node, so that host gets a
   * node-local number of its own with the same two labels, and every selector treats it as
   * Cilium's.
   */
  public static Identity identity(Labels labels, IdentityAllocator allocator) {
    for (ReservedIdentity r : ReservedIdentity.values()) {
      if (r.identity().labels().equals(labels)) {
        return r.identity();
      }
    }
    return allocator.allocateLocal(labels);
  }
}
