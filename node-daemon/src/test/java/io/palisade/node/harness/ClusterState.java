package io.palisade.node.harness;

import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.LocalEndpoint;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.RuleSection;
import io.palisade.policy.selector.CidrSelector;
import io.palisade.policy.selector.IdentitySelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The desired state of one node from the policy engine's view of the cluster: every pod address and
 * policy CIDR with its identity, the pods of this node with their veths, and each local identity's
 * MapState, computed by the engine from the whole cluster at once: the tests' reference for what
 * the pipeline delivers. Pure.
 */
public final class ClusterState {

  private ClusterState() {}

  /**
   * @param allocator the allocator {@code policy} was built with; it hands back the identity it
   *     already gave each CIDR
   * @param localVeths {@code namespace/pod} to host-side veth, for the pods of this node
   */
  public static DatapathState of(
      ClusterPolicy policy, IdentityAllocator allocator, Map<String, String> localVeths) {
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    List<LocalEndpoint> endpoints = new ArrayList<>();
    Map<Long, IdentityPolicy> policies = new HashMap<>();
    for (FlowEndpoint pod : policy.pods()) {
      var ip = pod.pod().orElseThrow().ip();
      if (ip.isEmpty()) {
        continue;
      }
      CidrPrefix host = CidrPrefix.host(CidrPrefix.parseAddress(ip.get()).orElseThrow());
      long id = pod.identity().id();
      ipcache.put(host, id);
      String veth = localVeths.get(pod.name());
      if (veth != null) {
        endpoints.add(new LocalEndpoint(host, id, veth));
        policies.computeIfAbsent(id, i -> IdentityPolicy.of(policy.engine().policyFor(i)));
      }
    }
    for (PolicyRule rule : policy.engine().rules()) {
      for (RuleSection section : rule.sections()) {
        for (IdentitySelector s : section.peerSelectors()) {
          if (s instanceof CidrSelector c) {
            addCidr(ipcache, allocator, c.cidr());
            c.except().forEach(e -> addCidr(ipcache, allocator, e));
          }
        }
      }
    }
    return new DatapathState(ipcache, endpoints, policies);
  }

  private static void addCidr(
      Map<CidrPrefix, Long> ipcache, IdentityAllocator allocator, CidrPrefix prefix) {
    if (prefix.length() == 0) {
      return; // 0/0 is the world, the datapath's own fallback
    }
    Identity id = allocator.allocateCidr(prefix);
    ipcache.putIfAbsent(prefix, id.id());
  }
}
