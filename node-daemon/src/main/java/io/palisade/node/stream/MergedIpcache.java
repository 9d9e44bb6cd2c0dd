package io.palisade.node.stream;

import io.palisade.node.datapath.DatapathState;
import io.palisade.policy.identity.CidrPrefix;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The shared ipcache with a node's own entries over it ({@link DatapathState#withLocal}), handed
 * over to the datapath state ({@link DatapathState#handedOver}) so that views and states share it
 * without a copy. A delta that touches a few prefixes changes the previous merged map at those
 * prefixes only: the node's own entries are not parsed and put again, and nothing of the shared map
 * is looked at but the touched prefixes.
 */
final class MergedIpcache {

  private MergedIpcache() {}

  /**
   * {@code shared} with {@code local} over it; {@code shared} itself when the node has no entries
   * of its own. {@code shared} must never change (a view's never does).
   */
  static Map<CidrPrefix, Long> of(Map<CidrPrefix, Long> shared, Map<String, Long> local) {
    return DatapathState.handedOver(DatapathState.withLocal(shared, local));
  }

  /**
   * {@code previous} (the merge of an earlier shared map and earlier local entries) made the merge
   * of {@code shared} and {@code local}, which differ from the earlier ones only at {@code
   * touched}: at each, the node's own entry wins, then the shared one, else the prefix goes.
   */
  static Map<CidrPrefix, Long> updated(
      Map<CidrPrefix, Long> previous,
      Map<CidrPrefix, Long> shared,
      Map<String, Long> local,
      Set<CidrPrefix> touched) {
    if (touched.isEmpty()) {
      return previous;
    }
    Map<CidrPrefix, Long> own = HashMap.newHashMap(local.size());
    local.forEach((p, id) -> own.put(DatapathState.prefix(p), id));
    Map<CidrPrefix, Long> out = new HashMap<>(previous);
    for (CidrPrefix p : touched) {
      Long id = own.containsKey(p) ? own.get(p) : shared.get(p);
      if (id == null) {
        out.remove(p);
      } else {
        out.put(p, id);
      }
    }
    return DatapathState.handedOver(out, previous, touched);
  }
}
