package io.palisade.node.fqdn;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.policy.Direction;
import io.palisade.policy.fqdn.FqdnMatcher;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.LongestPrefix;
import io.palisade.policy.identity.ParsedIpcache;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.proxy.dns.DnsPolicy;
import io.palisade.proxy.dns.DnsVerdict;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A revision's {@code rules.dns}, as the DNS proxy asks them: the client is a local endpoint (by
 * address), the resolver a peer (its identity by the longest ipcache prefix), and the query passes
 * when a rule of an egress DNS redirect entry of the endpoint's identity for that peer (or any
 * peer) and the resolver's port matches the name, the union that Cilium's DNS proxy applies.
 * Immutable.
 */
public final class NodeDnsPolicy implements DnsPolicy {

  private record Grant(long peer, int firstPort, int lastPort, List<FqdnMatcher> rules) {}

  private final Map<String, Long> endpointByAddress;
  private final Map<Long, List<Grant>> grants;
  private final Map<CidrPrefix, Long> ipcache;

  private NodeDnsPolicy(
      Map<String, Long> endpointByAddress,
      Map<Long, List<Grant>> grants,
      Map<CidrPrefix, Long> ipcache) {
    this.endpointByAddress = endpointByAddress;
    this.grants = grants;
    this.ipcache = ipcache;
  }

  /** The DNS rules of {@code local}, with its peers resolved through {@code ipcache}. */
  public static NodeDnsPolicy of(LocalState local, Map<String, Long> ipcache) {
    Map<String, Long> endpoints = new HashMap<>();
    for (EndpointState e : local.endpoints().values()) {
      e.addresses().forEach(a -> endpoints.put(normal(a), e.identity()));
    }
    Map<Long, List<Grant>> grants = new HashMap<>();
    for (IdentityPolicy p : local.policies().values()) {
      List<Grant> g = grantsOf(p);
      if (!g.isEmpty()) {
        grants.put(p.identity(), g);
      }
    }
    // Peers are resolved only for DNS grants, and from their parsed form when they have one.
    Map<CidrPrefix, Long> peers = grants.isEmpty() ? Map.of() : ParsedIpcache.of(ipcache);
    return new NodeDnsPolicy(Map.copyOf(endpoints), Map.copyOf(grants), peers);
  }

  /** Whether any endpoint of the revision has a DNS redirect, so the proxy must listen. */
  public boolean any() {
    return !grants.isEmpty();
  }

  private static List<Grant> grantsOf(IdentityPolicy p) {
    List<Grant> out = new ArrayList<>();
    for (Map.Entry<MapStateKey, MapStateEntry> e : p.entries().entrySet()) {
      MapStateKey k = e.getKey();
      Optional<L7Policy> l7 = e.getValue().l7();
      if (k.direction() != Direction.EGRESS
          || e.getValue().verdict() != Verdict.REDIRECT
          || l7.isEmpty()
          || l7.get().parser() != L7Parser.DNS) {
        continue;
      }
      List<FqdnMatcher> rules = new ArrayList<>();
      for (Object r : l7.get().rules()) {
        rules.add(FqdnMatcher.of((FQDNSelector) r));
      }
      out.add(new Grant(k.identity(), k.firstPort(), k.lastPort(), List.copyOf(rules)));
    }
    return List.copyOf(out);
  }

  @Override
  public DnsVerdict decide(InetSocketAddress client, InetSocketAddress server, String name) {
    Long subject = endpointByAddress.get(normal(client.getAddress().getHostAddress()));
    if (subject == null) {
      return DnsVerdict.refused(client.getAddress().getHostAddress() + " is no local endpoint");
    }
    long peer = peer(server.getAddress().getAddress());
    for (Grant g : grants.getOrDefault(subject, List.of())) {
      if ((g.peer() == MapStateKey.ANY_IDENTITY || g.peer() == peer)
          && server.getPort() >= g.firstPort()
          && server.getPort() <= g.lastPort()) {
        for (FqdnMatcher m : g.rules()) {
          if (m.matches(name)) {
            return DnsVerdict.allowed(m.key());
          }
        }
      }
    }
    return DnsVerdict.refused("no DNS rule of identity " + subject + " admits " + name);
  }

  private long peer(byte[] address) {
    // No identity (-1): only rules for any peer apply.
    return LongestPrefix.identity(ipcache, address).orElse(-1);
  }

  private static String normal(String address) {
    return CidrPrefix.parseAddress(address).map(b -> CidrPrefix.host(b).toString()).orElse(address);
  }
}
