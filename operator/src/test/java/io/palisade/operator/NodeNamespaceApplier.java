package io.palisade.operator;

import io.palisade.node.datapath.DatapathState;
import io.palisade.node.harness.NetNs;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.pipeline.model.LocalState;
import java.util.Map;

/** A stream daemon's applier for the root tests, its work done in the node's network namespace. */
final class NodeNamespaceApplier {

  private NodeNamespaceApplier() {}

  /**
   * {@code real}, run on a thread of the node's namespace (interface lookups, the proxy's binds).
   */
  static NodeStateClient.Applier inNode(NetNs node, NodeStateClient.Applier real) {
    return new NodeStateClient.Applier() {
      @Override
      public Map<String, String> apply(DatapathState desired) {
        return node.call(() -> real.apply(desired));
      }

      @Override
      public boolean attachmentsCurrent(DatapathState applied) {
        return node.call(() -> real.attachmentsCurrent(applied));
      }

      @Override
      public String applyProxy(LocalState local, Map<String, Long> peers) {
        return node.call(() -> real.applyProxy(local, peers));
      }

      @Override
      public Map<String, Long> learnedIpcache() {
        return real.learnedIpcache();
      }
    };
  }
}
