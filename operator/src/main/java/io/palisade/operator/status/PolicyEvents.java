package io.palisade.operator.status;

import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.cilium.PolicyStatus;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Event a policy's new status calls for, once per transition: a Warning when it becomes invalid
 * ({@code Invalid}, or {@code LastGoodKept} when an earlier generation stays in force) or when its
 * L7 rules go unenforced ({@code L7NotEnforced}), each once per generation; a Normal {@code
 * Enforced} when it recovers from one of those. Progress and re-enforcement after a node joins say
 * nothing new and make no Event.
 */
public final class PolicyEvents {

  /** One event: Warning or Normal, its reason and message. */
  public record PolicyEvent(boolean warning, String reason, String message) {}

  private static final Set<String> PROBLEMS =
      Set.of(
          PolicyConditions.INVALID,
          PolicyConditions.LAST_GOOD_KEPT,
          PolicyConditions.L7_NOT_ENFORCED);

  private PolicyEvents() {}

  /** Whether an event reports a problem, which a later {@code Enforced} event closes. */
  public static boolean isProblem(PolicyEvent e) {
    return PROBLEMS.contains(e.reason());
  }

  /**
   * @param problemReported whether a problem event was written for this policy and no recovery
   *     since
   */
  public static Optional<PolicyEvent> transition(
      Optional<PolicyStatus> previous, PolicyStatus next, boolean problemReported) {
    Optional<PolicyCondition> now = PolicyConditions.condition(next, PolicyConditions.READY);
    if (now.isEmpty()) {
      return Optional.empty();
    }
    PolicyCondition ready = now.get();
    Optional<PolicyCondition> was =
        previous.flatMap(p -> PolicyConditions.condition(p, PolicyConditions.READY));
    boolean sameTransition =
        was.map(
                w ->
                    w.reason().equals(ready.reason())
                        && Objects.equals(w.observedGeneration(), ready.observedGeneration()))
            .orElse(false);
    if (sameTransition) {
      return Optional.empty();
    }
    String errors =
        PolicyConditions.condition(next, PolicyConditions.VALID)
            .map(PolicyCondition::message)
            .orElse("");
    return switch (ready.reason()) {
      case PolicyConditions.INVALID -> Optional.of(new PolicyEvent(true, ready.reason(), errors));
      case PolicyConditions.LAST_GOOD_KEPT ->
          Optional.of(new PolicyEvent(true, ready.reason(), ready.message() + ": " + errors));
      case PolicyConditions.L7_NOT_ENFORCED ->
          Optional.of(new PolicyEvent(true, ready.reason(), ready.message()));
      case PolicyConditions.ENFORCED_REASON ->
          problemReported || was.map(w -> PROBLEMS.contains(w.reason())).orElse(false)
              ? Optional.of(new PolicyEvent(false, ready.reason(), ready.message()))
              : Optional.empty();
      default -> Optional.empty();
    };
  }
}
