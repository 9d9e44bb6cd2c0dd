package io.palisade.node.stream;

import io.palisade.node.datapath.DatapathState;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.proto.codec.CompactIpcache;
import java.util.Map;
import java.util.Set;

/**
 * The shared ipcache with a node's own entries over it ({@link DatapathState#withLocal}), handed
 * over to the datapath state ({@link DatapathState#handedOver}) so that views and states share it
 * without a copy. A delta that touches a few prefixes makes the merge again from the compact shared
 * map, which copies arrays rather than 30,000 entries of a hash map, and names the touched prefixes
 * so that the datapath compares the two merges at those alone.
 */
final class MergedIpcache {

  private MergedIpcache() {}

  /** {@code shared} with {@code local} over it; {@code shared} itself when the node has none. */
  static Map<CidrPrefix, Long> of(CompactIpcache shared, Map<String, Long> local) {
    return DatapathState.handedOver(DatapathState.withLocal(shared, local));
  }

  /**
   * {@code previous} (the merge of an earlier shared map and earlier local entries) made the merge
   * of {@code shared} and {@code local}, which differ from the earlier ones only at {@code
   * touched}.
   */
  static Map<CidrPrefix, Long> updated(
      Map<CidrPrefix, Long> previous,
      CompactIpcache shared,
      Map<String, Long> local,
      Set<CidrPrefix> touched) {
    if (touched.isEmpty()) {
      return previous;
    }
    return DatapathState.handedOver(DatapathState.withLocal(shared, local), previous, touched);
  }
}
