package io.palisade.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RemovalBudgetTest {

  private static final String CNP = "CiliumNetworkPolicy";
  private static final String CCNP = "CiliumClusterwideNetworkPolicy";

  @Test
  void parsesUnlimitedAndShares() {
    assertThat(RemovalBudget.parse("unlimited")).isEqualTo(RemovalBudget.UNLIMITED);
    assertThat(RemovalBudget.parse(" 75% ")).isEqualTo(new RemovalBudget(75, false));
    assertThat(RemovalBudget.parse("0%")).isEqualTo(new RemovalBudget(0, false));
    assertThat(RemovalBudget.DEFAULT).hasToString("50%");
    assertThat(RemovalBudget.UNLIMITED).hasToString("unlimited");
  }

  @Test
  void refusesWhatIsNotABudgetNamingTheValue() {
    for (String bad : List.of("", "all", "50", "150%", "-1%", "5.5%")) {
      assertThatThrownBy(() -> RemovalBudget.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("\"" + bad + "\" is not a removal budget");
    }
  }

  @Test
  void refusesMoreThanTheShareAllOfThemAndAnyClusterwidePolicy() {
    Function<String, String> kind = k -> k;
    RemovalBudget half = RemovalBudget.DEFAULT;
    assertThat(half.refusal(4, List.of(CNP, CNP), kind, "x")).isEmpty();
    assertThat(half.refusal(4, List.of(CNP, CNP, CNP), kind, "allow it"))
        .contains("would delete 3 of 4 objects, over the budget of 50%; allow it");
    assertThat(half.refusal(1, List.of(CNP), kind, "x")).isPresent();
    assertThat(half.refusal(10, List.of(CCNP), kind, "x"))
        .hasValueSatisfying(r -> assertThat(r).startsWith("would delete clusterwide"));
    assertThat(RemovalBudget.parse("100%").refusal(1, List.of(CNP), kind, "x")).isEmpty();
    assertThat(RemovalBudget.parse("100%").refusal(1, List.of(CCNP), kind, "x")).isPresent();
    assertThat(RemovalBudget.UNLIMITED.refusal(1, List.of(CCNP), kind, "x")).isEmpty();
    assertThat(RemovalBudget.parse("0%").refusal(100, List.of(), kind, "x")).isEmpty();
  }
}
