package io.palisade.benchmarks.scale;

import io.palisade.node.datapath.DatapathState;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import java.util.Map;

/**
 * How much of a node's state a daemon holds, counted the same way on both sides of the stream: the
 * daemon counts what it applied, the operator what it desires for the node. Counting is the work a
 * simulated daemon does with a revision, and the check that none got lost at scale.
 */
record NodeCounts(int ipcache, int endpoints, int policyEntries) {

  static final NodeCounts NONE = new NodeCounts(0, 0, 0);

  /** What a daemon was handed to put in its maps. */
  static NodeCounts of(DatapathState applied) {
    int entries = 0;
    for (var p : applied.policies().values()) {
      entries += p.entries().size();
    }
    return new NodeCounts(applied.ipcache().size(), applied.endpoints().size(), entries);
  }

  /** What the operator desires on a node. */
  static NodeCounts of(Map<String, Long> ipcache, LocalState local) {
    int addresses = 0;
    for (EndpointState e : local.endpoints().values()) {
      addresses += e.addresses().size();
    }
    int entries = 0;
    for (IdentityPolicy p : local.policies().values()) {
      entries += p.entries().size();
    }
    return new NodeCounts(ipcache.size(), addresses, entries);
  }
}
