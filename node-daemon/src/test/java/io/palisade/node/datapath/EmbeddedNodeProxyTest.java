package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.identity.ParsedIpcache;
import io.palisade.proto.codec.CompactIpcache;
import io.palisade.xds.L7Translator;
import io.palisade.xds.Target;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
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

  @Test
  void peersWithTheirParsedFormAreNeverParsedAgainAndTranslateAsTheirText() throws Exception {
    DesiredState state = state(L7Policies.DEATHSTAR_L7);
    LocalState l7 = state.nodes().get("node-a");
    // More addresses of the tiefighter's identity, so that the rule's peers are several prefixes.
    long tiefighter = state.ipcache().get("10.42.0.11/32");
    Map<String, Long> text = new HashMap<>(state.ipcache());
    for (int i = 0; i < 50; i++) {
      text.put("10.43." + i + "." + (7 * i % 250) + "/32", tiefighter);
    }
    Map<CidrPrefix, Long> parsed = CompactIpcache.of(ParsedIpcache.of(text));

    try (EmbeddedNodeProxy proxy = EmbeddedNodeProxy.start()) {
      assertThat(proxy.prepare(l7, new ParsedOnlyPeers(parsed)).ports()).isNotEmpty();
    }
    NodeL7 node = NodeL7.of(l7);
    assertThat(L7Translator.translate(node, new ParsedOnlyPeers(parsed), new Target.Envoy()))
        .isEqualTo(L7Translator.translate(node, text, new Target.Envoy()));
  }

  private static LocalState deathstarNode(String policy) {
    return state(policy).nodes().get("node-a");
  }

  private static DesiredState state(String policy) {
    return new NodeStateComputer(new InMemoryIdentityAllocator())
        .compute(StarWars.snapshot(StarWars.workloads(), policy));
  }

  /** Peers whose text cannot be read, with their parsed form underneath. */
  private static final class ParsedOnlyPeers extends UnreadablePeers implements ParsedIpcache {
    private final Map<CidrPrefix, Long> parsed;

    ParsedOnlyPeers(Map<CidrPrefix, Long> parsed) {
      this.parsed = parsed;
    }

    @Override
    public Map<CidrPrefix, Long> parsed() {
      return parsed;
    }
  }

  /** Peers that refuse to be read at all. */
  private static class UnreadablePeers extends AbstractMap<String, Long> {
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
