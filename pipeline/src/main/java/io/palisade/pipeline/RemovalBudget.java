package io.palisade.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * How much of a policy source one revision may remove: a share of its objects, and whether
 * clusterwide policies may go at all. One careless edit (an emptied directory, a file renamed away,
 * a commit that drops a folder) would otherwise open access at once; a removal beyond the budget is
 * refused until the user allows it. The one home of the rule behind the PolicySource's {@code
 * palisade.io/prune-budget} annotation and standalone mode's {@code --prune-budget}.
 *
 * @param percent the share of the source's objects one revision may remove, 0 to 100
 * @param clusterwide whether a clusterwide policy may be removed
 */
public record RemovalBudget(int percent, boolean clusterwide) {

  /** The value that lifts the budget altogether. */
  public static final String UNLIMITED_VALUE = "unlimited";

  /** The default share of the source one revision may remove. */
  public static final int DEFAULT_PERCENT = 50;

  public static final RemovalBudget DEFAULT = new RemovalBudget(DEFAULT_PERCENT, false);
  public static final RemovalBudget UNLIMITED = new RemovalBudget(100, true);

  /** Kinds whose objects act on the whole cluster; removing one needs the unlimited budget. */
  public static final Set<String> CLUSTERWIDE_KINDS = Set.of("CiliumClusterwideNetworkPolicy");

  public RemovalBudget {
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException("a removal budget is 0% to 100%, not " + percent + "%");
    }
  }

  /**
   * {@code unlimited}, or {@code N%} for a share from 0% to 100% (clusterwide policies still
   * refused).
   *
   * @throws IllegalArgumentException naming the value when it is neither
   */
  public static RemovalBudget parse(String value) {
    String v = value.strip();
    if (v.equalsIgnoreCase(UNLIMITED_VALUE)) {
      return UNLIMITED;
    }
    if (v.matches("\\d{1,3}%")) {
      int percent = Integer.parseInt(v.substring(0, v.length() - 1));
      if (percent <= 100) {
        return new RemovalBudget(percent, false);
      }
    }
    throw new IllegalArgumentException(
        "\"" + value + "\" is not a removal budget: expected \"unlimited\" or a share such as 50%");
  }

  /**
   * Why removing {@code removed} of a source's {@code total} objects is beyond this budget, or
   * empty when it is within it.
   *
   * @param kindOf the kind of a removed object, to tell clusterwide policies
   * @param howToAllow what the user does to allow it anyway, ending the reason
   */
  public <T> Optional<String> refusal(
      int total, List<T> removed, Function<T, String> kindOf, String howToAllow) {
    if (removed.isEmpty()) {
      return Optional.empty();
    }
    List<T> clusterwideRemoved =
        removed.stream().filter(r -> CLUSTERWIDE_KINDS.contains(kindOf.apply(r))).toList();
    if (!clusterwideRemoved.isEmpty() && !clusterwide) {
      return Optional.of("would delete clusterwide " + clusterwideRemoved + "; " + howToAllow);
    }
    // removed / total > percent / 100, in integers; removing all of them is always over a budget
    // below 100%.
    if ((long) removed.size() * 100 > (long) percent * total) {
      return Optional.of(
          "would delete "
              + removed.size()
              + " of "
              + total
              + " objects, over the budget of "
              + percent
              + "%; "
              + howToAllow);
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    if (clusterwide) {
      return percent == 100 ? UNLIMITED_VALUE : percent + "% and clusterwide policies";
    }
    return percent + "%";
  }
}
