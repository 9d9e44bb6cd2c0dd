package io.palisade.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.gitops.PrunePlan.Decision;
import io.palisade.gitops.PrunePlan.InventoryEntry;
import io.palisade.pipeline.RemovalBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunePlanTest {

  static ObjectRef cnp(String name) {
    return new ObjectRef("cilium.io", "CiliumNetworkPolicy", "prod", name);
  }

  static final ObjectRef CCNP =
      new ObjectRef("cilium.io", "CiliumClusterwideNetworkPolicy", "", "default-deny");

  static List<InventoryEntry> inventory(ObjectRef... refs) {
    return java.util.Arrays.stream(refs).map(r -> new InventoryEntry(r, Map.of())).toList();
  }

  @Test
  void prunesWhatLeftGitWithinTheBudget() {
    var inv = inventory(cnp("a"), cnp("b"), cnp("c"), cnp("d"));
    assertThat(
            PrunePlan.plan(
                true, inv, List.of(cnp("a"), cnp("b")), List.of(), RemovalBudget.DEFAULT))
        .isEqualTo(new Decision.Prune(List.of(cnp("c"), cnp("d")), List.of()));
  }

  @Test
  void refusesMoreThanHalfOrAnEmptyRevisionUnlessUnlimited() {
    var inv = inventory(cnp("a"), cnp("b"), cnp("c"), cnp("d"));
    assertThat(PrunePlan.plan(true, inv, List.of(cnp("a")), List.of(), RemovalBudget.DEFAULT))
        .isInstanceOfSatisfying(
            Decision.Refused.class,
            r ->
                assertThat(r.reason())
                    .contains("3 of 4")
                    .contains("palisade.io/prune-budget: unlimited"));
    assertThat(PrunePlan.plan(true, inv, List.of(), List.of(), RemovalBudget.DEFAULT))
        .isInstanceOf(Decision.Refused.class);
    RemovalBudget unlimited = PrunePlan.budget(Map.of("palisade.io/prune-budget", "unlimited"));
    assertThat(PrunePlan.plan(true, inv, List.of(), List.of(), unlimited))
        .isInstanceOfSatisfying(Decision.Prune.class, p -> assertThat(p.delete()).hasSize(4));
    RemovalBudget most = PrunePlan.budget(Map.of("palisade.io/prune-budget", "75%"));
    assertThat(PrunePlan.plan(true, inv, List.of(cnp("a")), List.of(), most))
        .isInstanceOf(Decision.Prune.class);
  }

  @Test
  void refusesAClusterwidePolicyEvenWithinTheShare() {
    var inv = inventory(cnp("a"), cnp("b"), cnp("c"), CCNP);
    assertThat(
            PrunePlan.plan(
                true, inv, List.of(cnp("a"), cnp("b"), cnp("c")), List.of(), RemovalBudget.DEFAULT))
        .isInstanceOfSatisfying(
            Decision.Refused.class, r -> assertThat(r.reason()).contains("clusterwide"));
    assertThat(
            PrunePlan.plan(
                true,
                inv,
                List.of(cnp("a"), cnp("b"), cnp("c")),
                List.of(),
                PrunePlan.budget(Map.of("palisade.io/prune-budget", "90%"))))
        .isInstanceOf(Decision.Refused.class);
    assertThat(
            PrunePlan.plan(
                true,
                inv,
                List.of(cnp("a"), cnp("b"), cnp("c")),
                List.of(),
                RemovalBudget.UNLIMITED))
        .isEqualTo(new Decision.Prune(List.of(CCNP), List.of()));
  }

  @Test
  void anOptedOutObjectIsKeptAndDoesNotCountAgainstTheBudget() {
    var inv =
        List.of(
            new InventoryEntry(cnp("a"), Map.of("palisade.io/prune", "disabled")),
            new InventoryEntry(cnp("b"), Map.of()),
            new InventoryEntry(cnp("c"), Map.of()),
            new InventoryEntry(cnp("d"), Map.of()));
    assertThat(
            PrunePlan.plan(
                true, inv, List.of(cnp("c"), cnp("d")), List.of(), RemovalBudget.DEFAULT))
        .isEqualTo(new Decision.Prune(List.of(cnp("b")), List.of(cnp("a"))));
  }

  @Test
  void nothingIsPrunedAfterAFailedApplyOrWhenAFileCouldNotBeRead() {
    var inv = inventory(cnp("a"), cnp("b"), cnp("c"), cnp("d"));
    assertThat(
            PrunePlan.plan(
                false,
                inv,
                List.of(cnp("a"), cnp("b"), cnp("c")),
                List.of(),
                RemovalBudget.UNLIMITED))
        .isInstanceOfSatisfying(
            Decision.Refused.class,
            r -> assertThat(r.reason()).contains("only after a successful apply"));
    assertThat(
            PrunePlan.plan(
                true,
                inv,
                List.of(cnp("a"), cnp("b"), cnp("c")),
                List.of("p/x.yaml"),
                RemovalBudget.UNLIMITED))
        .isInstanceOfSatisfying(
            Decision.Refused.class, r -> assertThat(r.reason()).contains("p/x.yaml"));
    assertThat(
            PrunePlan.plan(
                false,
                inv,
                List.of(cnp("a"), cnp("b"), cnp("c"), cnp("d")),
                List.of(),
                RemovalBudget.DEFAULT))
        .isEqualTo(new Decision.Prune(List.of(), List.of()));
  }
}
