package io.palisade.operator.status;

import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.pipeline.Enforcement;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.rules.PolicyMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a policy's status from what is known of it, without I/O: {@code Valid} with every
 * validation error, the kstatus trio {@code Ready}, {@code Reconciling} and {@code Stalled}, and
 * {@code Enforced} from the nodes' acks. A condition keeps its transition time while its status
 * stays, so an unchanged policy yields an equal status and needs no patch.
 */
public final class PolicyConditions {

  public static final String VALID = "Valid";
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";
  public static final String ENFORCED = "Enforced";

  /** Present, True, while the policy is in audit mode ({@link PolicyMode#AUDIT}). */
  public static final String AUDIT = "Audit";

  /** The reason of the {@code Audit} condition. */
  public static final String AUDIT_MODE = "AuditMode";

  /**
   * The reason of a policy whose L7 rules some node's proxy does not enforce: their traffic is
   * dropped there.
   */
  public static final String L7_NOT_ENFORCED = "L7NotEnforced";

  /** The reason of a generation that fails validation. */
  public static final String INVALID = "Invalid";

  /**
   * Ready's reason when the generation is invalid and an earlier one stays in force (standalone
   * mode says the same).
   */
  public static final String LAST_GOOD_KEPT = "LastGoodKept";

  /** Ready's reason once every node holds the generation. */
  public static final String ENFORCED_REASON = "Enforced";

  /**
   * The condition types this class writes. A status keeps the conditions of other types that it
   * finds, as another controller's, and writes over the conditions of these.
   */
  public static final Set<String> TYPES =
      Set.of(VALID, READY, RECONCILING, STALLED, ENFORCED, AUDIT);

  private PolicyConditions() {}

  /**
   * The status of generation {@code generation}: invalid when {@code errors} is not empty (an
   * earlier valid generation, {@code inForce}, may stay enforced in its place); else enforced as
   * {@code enforcement} says, or still on its way to the nodes when that is empty. A policy with
   * {@code l7} rules is Enforced only where a proxy holds them too: until then the traffic they
   * select is dropped, and the status says so ({@code L7NotEnforced}, Stalled when no proxy will
   * take them without a change: none on a node, a refused config, a parser no proxy implements).
   */
  public static PolicyStatus build(
      long generation,
      List<FieldError> errors,
      Optional<Enforcement> enforcement,
      Optional<Long> inForce,
      boolean l7,
      Optional<PolicyStatus> previous,
      Instant now) {
    return build(generation, errors, enforcement, inForce, l7, PolicyMode.ENFORCE, previous, now);
  }

  /**
   * As above, for a policy in {@code mode}: in audit mode the {@code Enforced} message says so, and
   * an {@code Audit} condition (present only then) tells what the mode does and how to leave it.
   */
  public static PolicyStatus build(
      long generation,
      List<FieldError> errors,
      Optional<Enforcement> enforcement,
      Optional<Long> inForce,
      boolean l7,
      PolicyMode mode,
      Optional<PolicyStatus> previous,
      Instant now) {
    Builder b =
        new Builder(generation, previous, now, errors.isEmpty() ? mode : PolicyMode.ENFORCE);
    if (errors.isEmpty() && mode == PolicyMode.AUDIT) {
      b.add(
          AUDIT,
          "True",
          AUDIT_MODE,
          PolicyMode.ANNOTATION
              + ": audit: the policy's would-be drops pass and are reported AUDIT in the flow log"
              + " while other policies stay enforced; set it to enforce, or remove it, to enforce"
              + " the policy");
    }
    if (!errors.isEmpty()) {
      String why = errors.stream().map(FieldError::toString).reduce((x, y) -> x + "; " + y).get();
      String where =
          inForce
              .filter(g -> g != generation)
              .map(
                  g ->
                      "generation "
                          + generation
                          + " is invalid; generation "
                          + g
                          + " stays in force")
              .orElse("the policy is invalid and enforced nowhere");
      String kept = inForce.filter(g -> g != generation).isPresent() ? LAST_GOOD_KEPT : INVALID;
      b.add(VALID, "False", INVALID, why);
      b.add(READY, "False", kept, where);
      b.add(RECONCILING, "False", INVALID, "nothing to do until the policy is fixed");
      b.add(STALLED, "True", INVALID, why);
      b.add(ENFORCED, "False", kept, where);
      return b.status(null);
    }
    b.add(VALID, "True", "Valid", "the policy is valid");
    if (enforcement.isEmpty()) {
      String msg = "generation " + generation + " is on its way to the nodes";
      b.add(STALLED, "False", "Valid", "the policy is valid");
      b.add(READY, "Unknown", "Progressing", msg);
      b.add(RECONCILING, "True", "Progressing", msg);
      b.add(ENFORCED, "Unknown", "Pending", msg);
      return b.status(null);
    }
    Enforcement e = enforcement.get();
    if (l7 && e.l7().isEmpty()) {
      // Rules for a proxy that nobody counted are enforced nowhere.
      e = e.withL7(new Enforcement.L7(0, List.of("no L7 proxy reports on its rules")));
    }
    boolean l7Stalled =
        e.l3l4Complete() && !e.complete() && e.l7().map(x -> !x.failures().isEmpty()).orElse(false);
    if (l7Stalled) {
      String msg = e.message() + "; the traffic its L7 rules select is dropped there";
      b.add(STALLED, "True", L7_NOT_ENFORCED, msg);
      b.add(READY, "False", L7_NOT_ENFORCED, msg);
      b.add(RECONCILING, "False", L7_NOT_ENFORCED, msg);
      b.add(ENFORCED, "False", L7_NOT_ENFORCED, msg);
    } else if (e.complete()) {
      b.add(STALLED, "False", "Valid", "the policy is valid");
      b.add(READY, "True", ENFORCED_REASON, e.message());
      b.add(RECONCILING, "False", ENFORCED_REASON, e.message());
      b.add(ENFORCED, "True", ENFORCED_REASON, e.message());
    } else {
      b.add(STALLED, "False", "Valid", "the policy is valid");
      b.add(READY, "Unknown", "Progressing", e.message());
      b.add(RECONCILING, "True", "Progressing", e.message());
      b.add(ENFORCED, "False", "Enforcing", e.message());
    }
    return b.status(e);
  }

  /** Whether two statuses say the same, so that the newer need not be written. */
  public static boolean same(PolicyStatus a, PolicyStatus b) {
    return Objects.equals(a, b);
  }

  /** The condition of {@code type}, if the status has one. */
  public static Optional<PolicyCondition> condition(PolicyStatus status, String type) {
    return status == null ? Optional.empty() : ofType(status.conditions(), type);
  }

  /** The first condition of {@code type} in {@code conditions}, which may be null. */
  private static Optional<PolicyCondition> ofType(List<PolicyCondition> conditions, String type) {
    return Optional.ofNullable(conditions).orElse(List.of()).stream()
        // Another writer's list may hold anything, null among it.
        .filter(c -> c != null && type.equals(c.type()))
        .findFirst();
  }

  /**
   * A condition as it stands now: it keeps the transition time of its previous version (in {@code
   * previous}, which may be null) while its status stays the same.
   */
  public static PolicyCondition next(
      List<PolicyCondition> previous,
      String type,
      String status,
      String reason,
      String message,
      long generation,
      String now) {
    String since =
        ofType(previous, type)
            .filter(c -> status.equals(c.status()) && c.lastTransitionTime() != null)
            .map(PolicyCondition::lastTransitionTime)
            .orElse(now);
    return new PolicyCondition(type, status, reason, message, since, generation);
  }

  private static final class Builder {
    private final long generation;
    private final Optional<PolicyStatus> previous;
    private final String now;
    private final List<PolicyCondition> conditions = new ArrayList<>();
    private final PolicyMode mode;

    Builder(long generation, Optional<PolicyStatus> previous, Instant now, PolicyMode mode) {
      this.generation = generation;
      this.previous = previous;
      this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
      this.mode = mode;
    }

    void add(String type, String status, String reason, String message) {
      if (type.equals(ENFORCED) && mode == PolicyMode.AUDIT) {
        message = message + "; in audit mode: its would-be drops pass and are reported AUDIT";
      }
      conditions.add(
          next(
              previous.map(PolicyStatus::conditions).orElse(null),
              type,
              status,
              reason,
              message,
              generation,
              now));
    }

    PolicyStatus status(Enforcement e) {
      previous.map(PolicyStatus::conditions).orElse(List.of()).stream()
          // One without a type is nobody's: it is dropped.
          .filter(c -> c != null && c.type() != null && !TYPES.contains(c.type()))
          .forEach(conditions::add);
      return e == null
          ? new PolicyStatus(generation, List.copyOf(conditions))
          : new PolicyStatus(
              generation, List.copyOf(conditions), e.desired(), e.enforced(), e.revision());
    }
  }
}
