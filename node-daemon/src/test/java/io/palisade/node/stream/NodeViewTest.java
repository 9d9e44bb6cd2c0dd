package io.palisade.node.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.datapath.DatapathState;
import io.palisade.node.discovery.InterfaceFinder;
import io.palisade.node.discovery.Placement;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.proto.nodestate.v1.Delta;
import io.palisade.proto.nodestate.v1.IpcacheEntry;
import io.palisade.proto.nodestate.v1.PolicyChange;
import io.palisade.proto.nodestate.v1.Snapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How a delta carries the node's merged ipcache from one view to the next. */
class NodeViewTest {

  private static final InterfaceFinder HERE = (endpoint, address) -> new Placement.Here("lxc0");

  @Test
  void aDeltaThatTouchesNoAddressKeepsTheMergedIpcacheItself() {
    NodeView view =
        NodeView.of(
            Snapshot.newBuilder()
                .addIpcache(entry("10.0.0.1/32", 100))
                .addIpcache(entry("10.0.0.2/32", 200))
                .addLocalIpcache(entry("10.0.0.2/32", 1))
                .build(),
            NodeView.empty());
    DatapathState before = view.desired(HERE, new ArrayList<>());

    NodeView next =
        view.with(
            Delta.newBuilder()
                .addPolicyChanges(PolicyChange.newBuilder().setIdentity(100).setReplace(true))
                .build());

    assertThat(next.desired(HERE, new ArrayList<>()).ipcache()).isSameAs(before.ipcache());
    assertThat(before.ipcache())
        .isEqualTo(Map.of(prefix("10.0.0.1/32"), 100L, prefix("10.0.0.2/32"), 1L));
  }

  @Test
  void addressDeltasGiveTheMergedIpcacheARebuildGives() {
    NodeView view =
        NodeView.of(
            Snapshot.newBuilder()
                .addIpcache(entry("10.0.0.1/32", 100))
                .addIpcache(entry("10.0.0.2/32", 200))
                .addLocalIpcache(entry("10.0.0.2/32", 1))
                .build(),
            NodeView.empty());
    view.merged();

    // The node's own entry goes: the shared one under it shows again.
    view = view.with(Delta.newBuilder().addLocalIpcacheDeletes("10.0.0.2/32").build());
    assertThat(view.merged()).containsEntry(prefix("10.0.0.2/32"), 200L);
    // A shared entry under the node's own stays hidden, and when it goes the node's stays.
    view = view.with(Delta.newBuilder().addLocalIpcacheUpserts(entry("10.0.0.1/32", 1)).build());
    view = view.with(Delta.newBuilder().addIpcacheUpserts(entry("10.0.0.1/32", 300)).build());
    assertThat(view.merged()).containsEntry(prefix("10.0.0.1/32"), 1L);
    view = view.with(Delta.newBuilder().addIpcacheDeletes("10.0.0.1/32").build());
    assertThat(view.merged()).containsEntry(prefix("10.0.0.1/32"), 1L);
    assertThat(view.merged()).isEqualTo(rebuilt(view));

    Random random = new Random(17);
    for (int i = 0; i < 300; i++) {
      Map<CidrPrefix, Long> before = view.merged();
      view = view.with(randomDelta(random));
      Map<CidrPrefix, Long> after = view.merged();
      assertThat(after).as("after delta %d", i).isEqualTo(rebuilt(view));
      // The datapath compares the two at the prefixes the view says it touched: all that moved.
      if (after != before) {
        assertThat(DatapathState.movedSince(before, after))
            .as("delta %d says what it touched", i)
            .hasValueSatisfying(touched -> assertThat(touched).containsAll(moved(before, after)));
      }
    }
  }

  @Test
  void learnedAddressesGoUnderTheOperatorsEntriesAndTheNodesOwn() {
    NodeView view =
        NodeView.of(
            Snapshot.newBuilder()
                .addIpcache(entry("10.0.0.1/32", 100))
                .addIpcache(entry("10.0.0.2/32", 200))
                .addLocalIpcache(entry("10.0.0.3/32", 1))
                .build(),
            NodeView.empty());

    Map<CidrPrefix, Long> ipcache =
        view.desired(
                HERE,
                new ArrayList<>(),
                Map.of("10.0.0.1/32", 16777300L, "10.0.0.3/32", 16777301L, "10.0.0.9", 16777302L))
            .ipcache();

    assertThat(ipcache)
        .isEqualTo(
            Map.of(
                prefix("10.0.0.1/32"), 100L,
                prefix("10.0.0.2/32"), 200L,
                prefix("10.0.0.3/32"), 1L,
                prefix("10.0.0.9/32"), 16777302L));
    assertThat(view.merged()).doesNotContainKey(prefix("10.0.0.9/32"));
  }

  private static Set<CidrPrefix> moved(Map<CidrPrefix, Long> a, Map<CidrPrefix, Long> b) {
    Set<CidrPrefix> out = new HashSet<>();
    a.forEach((k, v) -> out.addAll(v.equals(b.get(k)) ? Set.of() : Set.of(k)));
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(out::add);
    return out;
  }

  /** Deltas over a few prefixes, so that shared and local entries overlap, come and go. */
  private static Delta randomDelta(Random random) {
    Delta.Builder d = Delta.newBuilder();
    for (int k = random.nextInt(4); k > 0; k--) {
      String p = "10.0.0." + random.nextInt(8) + "/32";
      switch (random.nextInt(4)) {
        case 0 -> d.addIpcacheUpserts(entry(p, 100 + random.nextInt(5)));
        case 1 -> d.addIpcacheDeletes(p);
        case 2 -> d.addLocalIpcacheUpserts(entry(p, 1 + random.nextInt(2)));
        default -> d.addLocalIpcacheDeletes(p);
      }
    }
    return d.build();
  }

  /** The merged ipcache of a view made afresh from {@code view}'s snapshot. */
  private static Map<CidrPrefix, Long> rebuilt(NodeView view) {
    return NodeView.of(view.snapshot(), NodeView.empty()).merged();
  }

  private static IpcacheEntry entry(String prefix, long identity) {
    return IpcacheEntry.newBuilder().setPrefix(prefix).setIdentity(identity).build();
  }

  private static CidrPrefix prefix(String s) {
    return CidrPrefix.parse(s).orElseThrow();
  }
}
