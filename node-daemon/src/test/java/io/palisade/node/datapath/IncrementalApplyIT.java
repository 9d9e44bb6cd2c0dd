package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.ScratchBpfFs;
import io.palisade.node.maps.BackendValue;
import io.palisade.node.maps.ServiceKey;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Applies by difference, in the kernel: random revisions applied one after another, each writing
 * only what changed since the last, leave the maps (read back) as a fresh datapath leaves them
 * after applying the last state alone; and a repair then finds nothing to write.
 */
class IncrementalApplyIT {

  private static final int REVISIONS = 200;
  private static final int CHECK_EVERY = 50;

  @Test
  void randomRevisionsAppliedByDifferenceLeaveTheMapsAsAFreshApplyOfTheLastState() {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    try (ScratchBpfFs fs = ScratchBpfFs.mount("palisade-incremental-");
        NetNs ns = NetNs.create("pal-" + run + "-incr")) {
      RandomRevisions revisions = new RandomRevisions(17, "lo");
      DatapathState last = null;
      MapContents incremental;
      try (Datapath dp = ns.call(() -> Datapath.open(fs.dir().resolve("incremental")))) {
        for (int i = 1; i <= REVISIONS; i++) {
          DatapathState state = revisions.next();
          ns.call(() -> dp.apply(state));
          last = state;
          if (i % CHECK_EVERY == 0 && i < REVISIONS) {
            // Reading back also makes the next apply start from what was read.
            assertThat(comparable(dp.readBack()))
                .as("revision %d", i)
                .isEqualTo(comparable(MapContents.of(state, name -> 1)));
          }
        }
        assertThat(dp.repair().totalWrites()).as("the maps hold the last state").isZero();
        incremental = dp.readBack();
      }
      DatapathState only = last;
      MapContents fresh;
      try (Datapath dp = ns.call(() -> Datapath.open(fs.dir().resolve("fresh")))) {
        ns.call(() -> dp.apply(only));
        fresh = dp.readBack();
      }
      assertThat(incremental.policy().size() + incremental.policyExact().size()).isPositive();
      assertThat(comparable(incremental)).isEqualTo(comparable(fresh));
    }
  }

  /**
   * The contents with each Service slot naming its backend's address and port rather than its id:
   * ids depend on the order backends were first seen in.
   */
  private static Map<String, Object> comparable(MapContents c) {
    Map<ServiceKey, Object> services = new HashMap<>();
    c.services()
        .forEach(
            (k, v) -> {
              BackendValue b = c.backends().get(v.backendId());
              services.put(k, k.slot() == 0 ? v : b);
            });
    return Map.of(
        "hosts", new HashMap<>(c.hosts()),
        "cidrs", new HashMap<>(c.cidrs()),
        "endpoints", new HashMap<>(c.endpoints()),
        "policy", new HashMap<>(c.policy()),
        "policyExact", new HashMap<>(c.policyExact()),
        "services", services,
        "backends", new HashMap<>(Map.of("count", c.backends().size())));
  }
}
