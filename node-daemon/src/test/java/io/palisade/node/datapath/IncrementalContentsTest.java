package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Contents built from the last ones where the state shares its parts, and diffs that look only at
 * what the two contents do not share: applied one revision after another to plain maps, they leave
 * every map equal to the contents of the last state built from scratch.
 */
class IncrementalContentsTest {

  /** One state map's copy, written by the diffs since the last contents. */
  private static final class Copy<K, V> {
    private final Function<MapContents, Map<K, V>> part;
    private final Map<K, V> held = new HashMap<>();

    Copy(Function<MapContents, Map<K, V>> part) {
      this.part = part;
    }

    void follow(MapContents from, MapContents to) {
      MapDiff<K, V> d =
          from == null
              ? MapDiff.between(held, part.apply(to))
              : MapDiff.since(part.apply(from), part.apply(to));
      held.putAll(d.upserts());
      d.deletes().forEach(held::remove);
    }
  }

  @Test
  void randomRevisionsAppliedByDifferenceEqualTheLastStateBuiltFromScratch() {
    for (long seed = 1; seed <= 20; seed++) {
      RandomRevisions revisions = new RandomRevisions(seed, "lxc0");
      IncrementalContents incremental = new IncrementalContents();
      BackendIds ids = new BackendIds(Map.of(), Map.of());
      var copies =
          List.<Copy<?, ?>>of(
              new Copy<>(MapContents::hosts),
              new Copy<>(MapContents::cidrs),
              new Copy<>(MapContents::endpoints),
              new Copy<>(MapContents::policy),
              new Copy<>(MapContents::policyExact),
              new Copy<>(MapContents::services),
              new Copy<>(MapContents::backends));
      MapContents last = null;
      for (int i = 0; i < 150; i++) {
        DatapathState state = revisions.next();
        MapContents want = incremental.next(state, name -> 7, ids::idOf);
        for (Copy<?, ?> c : copies) {
          follow(c, last, want);
        }
        ids.retain(want.services(), want.backends());
        last = want;

        MapContents fresh = MapContents.of(state, name -> 7, ids::idOf);
        assertThat(copies.get(0).held).as("seed %d revision %d", seed, i).isEqualTo(fresh.hosts());
        assertThat(copies.get(1).held).isEqualTo(fresh.cidrs());
        assertThat(copies.get(2).held).isEqualTo(fresh.endpoints());
        assertThat(copies.get(3).held).isEqualTo(fresh.policy());
        assertThat(copies.get(4).held).isEqualTo(fresh.policyExact());
        assertThat(copies.get(5).held).isEqualTo(fresh.services());
        assertThat(copies.get(6).held).isEqualTo(fresh.backends());
        assertThat(want).isEqualTo(fresh);
      }
    }
  }

  @Test
  void aRevisionThatMovesOnePortComparesOnlyThatIdentitysEntries() {
    RandomRevisions revisions = new RandomRevisions(7, "lxc0");
    IncrementalContents incremental = new IncrementalContents();
    DatapathState first = revisions.next();
    MapContents before = incremental.next(first, name -> 7, (f, b) -> 1);
    Map<Long, IdentityPolicy> policies = new HashMap<>(first.policies());
    long id = policies.keySet().iterator().next();
    IdentityPolicy p = policies.get(id);
    Map<MapStateKey, MapStateEntry> entries = new HashMap<>(p.entries());
    MapStateKey key = entries.keySet().iterator().next();
    MapStateKey moved = new MapStateKey(key.direction(), key.identity(), 6, 65000, 16);
    entries.put(moved, entries.remove(key));
    policies.put(id, new IdentityPolicy(id, p.enforced(), entries));
    DatapathState next =
        new DatapathState(first.ipcache(), first.endpoints(), policies)
            .withServices(first.services());

    MapContents after = incremental.next(next, name -> 7, (f, b) -> 1);

    assertThat(after.hosts()).isInstanceOf(Overlay.class);
    assertThat(((Overlay<?, ?>) after.hosts()).base())
        .isSameAs(((Overlay<?, ?>) before.hosts()).base());
    assertThat(after.cidrs()).isSameAs(before.cidrs());
    PolicyEntries exact = (PolicyEntries) after.policyExact();
    PolicyEntries was = (PolicyEntries) before.policyExact();
    policies.keySet().stream()
        .filter(other -> other != id)
        .forEach(other -> assertThat(exact.parts().get(other)).isSameAs(was.parts().get(other)));
    int written =
        MapDiff.since(before.policyExact(), after.policyExact()).size()
            + MapDiff.since(before.policy(), after.policy()).size();
    assertThat(written).as("one key deleted, one written").isEqualTo(2);
    assertThat(MapDiff.since(before.hosts(), after.hosts()).isEmpty()).isTrue();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void follow(Copy c, MapContents from, MapContents to) {
    c.follow(from, to);
  }
}
