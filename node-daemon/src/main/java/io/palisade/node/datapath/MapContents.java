package io.palisade.node.datapath;

import io.palisade.node.maps.BackendValue;
import io.palisade.node.maps.EndpointValue;
import io.palisade.node.maps.PolicyKey;
import io.palisade.node.maps.PolicyValue;
import io.palisade.node.maps.ServiceKey;
import io.palisade.node.maps.ServiceValue;
import io.palisade.policy.identity.CidrPrefix;
import java.util.Map;
import java.util.function.ToIntBiFunction;
import java.util.function.ToIntFunction;

/**
 * The exact contents of the state maps for a desired state. Pure: host addresses go to the ipcache
 * hash and other prefixes to the LPM trie; each local identity's MapState becomes policy keys
 * behind that identity ({@link PolicyColumns}: with its audit column when audit-mode policies
 * select it), exact-port keys in the policy hash and the others in the policy trie; an endpoint
 * whose identity has no policy enforces both directions (and so drops everything), which is the
 * safe reading of "no policy computed yet". Each service frontend is a slot-0 entry counting its
 * backends and one slot per backend naming its id in the backends map. The maps are read-only views
 * that successive contents share where their states do ({@link IncrementalContents}); none of them
 * changes.
 */
public record MapContents(
    Map<CidrPrefix, Long> hosts,
    Map<CidrPrefix, Long> cidrs,
    Map<CidrPrefix, EndpointValue> endpoints,
    Map<PolicyKey, PolicyValue> policy,
    Map<PolicyKey, PolicyValue> policyExact,
    Map<ServiceKey, ServiceValue> services,
    Map<Integer, BackendValue> backends) {

  /** The protocol/port prefix of a key that names one port of one protocol. */
  static final int EXACT_PREFIX = 24;

  /** As {@link #of(DatapathState, ToIntFunction, ToIntBiFunction)}, backend ids counted from 1. */
  public static MapContents of(DatapathState desired, ToIntFunction<String> ifindexOf) {
    return of(desired, ifindexOf, new BackendIds(Map.of(), Map.of())::idOf);
  }

  /**
   * @param ifindexOf the index of a host interface
   * @param backendIdOf the id a backend of a frontend (its slot-0 key) has in the backends map
   */
  public static MapContents of(
      DatapathState desired,
      ToIntFunction<String> ifindexOf,
      ToIntBiFunction<ServiceKey, BackendValue> backendIdOf) {
    return new IncrementalContents().next(desired, ifindexOf, backendIdOf);
  }
}
