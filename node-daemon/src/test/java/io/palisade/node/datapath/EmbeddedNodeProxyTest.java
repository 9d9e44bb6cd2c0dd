package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import java.util.AbstractMap;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The embedded proxy's update reads the node's peers (the whole ipcache, 30,000 prefixes at
 * Cilium's scale shape) only when the revision holds L7 rules that name peers: most nodes hold
 * none, and parsing the peers three times over was most of their every revision's apply.
 */
class EmbeddedNodeProxyTest {

  @Test
  void aRevisionWithoutL7RulesLeavesThePeersUnread() throws Exception {
    try (EmbeddedNodeProxy proxy = EmbeddedNodeProxy.start()) {
      LocalState l4 = deathstarNode(StarWars.RULE1);
      assertThat(l4.policies()).isNotEmpty();

      assertThat(proxy.prepare(l4, new UnreadablePeers()).ports()).isEmpty();

      // The same node with an HTTP rule from org=empire needs to know who that is.
      LocalState l7 = deathstarNode(L7Policies.DEATHSTAR_L7);
      assertThatThrownBy(() -> proxy.prepare(l7, new UnreadablePeers()))
          .hasMessage("the peers were read");
    }
  }

  private static LocalState deathstarNode(String policy) {
    return new NodeStateComputer(new InMemoryIdentityAllocator())
        .compute(StarWars.snapshot(StarWars.workloads(), policy))
        .nodes()
        .get("node-a");
  }

  /** Peers that refuse to be read at all. */
  private static final class UnreadablePeers extends AbstractMap<String, Long> {
    @Override
    public Set<Entry<String, Long>> entrySet() {
      throw new IllegalStateException("the peers were read");
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super Long> action) {
      throw new IllegalStateException("the peers were read");
    }
  }
}
