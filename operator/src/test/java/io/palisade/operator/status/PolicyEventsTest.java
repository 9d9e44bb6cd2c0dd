package io.palisade.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.pipeline.Enforcement;
import io.palisade.policy.parse.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyEventsTest {

  static final Instant T = Instant.parse("2026-12-03T10:00:00Z");
  static final List<FieldError> ERRORS = List.of(new FieldError("spec.egress[0].toCIDR[0]", "bad"));

  static PolicyStatus progressing(long gen, Optional<PolicyStatus> prev) {
    return PolicyConditions.build(
        gen, List.of(), Optional.empty(), Optional.empty(), false, prev, T);
  }

  static PolicyStatus enforced(long gen, long revision, boolean l7, Optional<PolicyStatus> prev) {
    return PolicyConditions.build(
        gen,
        List.of(),
        Optional.of(new Enforcement(3, 3, revision, List.of())),
        Optional.of(gen),
        l7,
        prev,
        T);
  }

  static PolicyStatus invalid(long gen, Optional<Long> inForce, Optional<PolicyStatus> prev) {
    return PolicyConditions.build(gen, ERRORS, Optional.empty(), inForce, false, prev, T);
  }

  /** A transition with no problem reported earlier. */
  static Optional<PolicyEvents.PolicyEvent> transition(
      Optional<PolicyStatus> previous, PolicyStatus next) {
    return PolicyEvents.transition(previous, next, false);
  }

  @Test
  void aFixReportedAfterProgressIsStillTheRecovery() {
    PolicyStatus bad = invalid(2, Optional.of(1L), Optional.empty());
    PolicyStatus progressing = progressing(3, Optional.of(bad));
    PolicyStatus ok = enforced(3, 9, false, Optional.of(progressing));
    assertThat(transition(Optional.of(bad), progressing)).isEmpty();
    assertThat(PolicyEvents.transition(Optional.of(progressing), ok, true).orElseThrow().reason())
        .isEqualTo("Enforced");
    assertThat(PolicyEvents.transition(Optional.of(progressing), ok, false)).isEmpty();
  }

  @Test
  void progressAndEnforcementWithoutAProblemBeforeMakeNoEvent() {
    PolicyStatus p = progressing(1, Optional.empty());
    PolicyStatus e = enforced(1, 7, false, Optional.of(p));
    assertThat(transition(Optional.empty(), p)).isEmpty();
    assertThat(transition(Optional.of(p), e)).isEmpty();
    // A node joins: progress, then enforced again at a new revision: nothing new to say.
    PolicyStatus again = enforced(1, 9, false, Optional.of(progressing(1, Optional.of(e))));
    assertThat(transition(Optional.of(progressing(1, Optional.of(e))), again)).isEmpty();
  }

  @Test
  void anInvalidPolicyIsOneWarningPerGeneration() {
    PolicyStatus i1 = invalid(1, Optional.empty(), Optional.empty());
    var e = transition(Optional.empty(), i1).orElseThrow();
    assertThat(e.warning()).isTrue();
    assertThat(e.reason()).isEqualTo("Invalid");
    assertThat(e.message()).isEqualTo("spec.egress[0].toCIDR[0]: bad");
    assertThat(transition(Optional.of(i1), invalid(1, Optional.empty(), Optional.of(i1))))
        .isEmpty();
    assertThat(transition(Optional.of(i1), invalid(2, Optional.empty(), Optional.of(i1))))
        .isPresent();
  }

  @Test
  void anInvalidUpdateSaysTheLastGoodGenerationIsKept() {
    PolicyStatus ok = enforced(1, 7, false, Optional.empty());
    PolicyStatus bad = invalid(2, Optional.of(1L), Optional.of(ok));
    assertThat(PolicyConditions.condition(bad, "Ready").orElseThrow().reason())
        .isEqualTo("LastGoodKept");

    var e = transition(Optional.of(ok), bad).orElseThrow();
    assertThat(e.reason()).isEqualTo("LastGoodKept");
    assertThat(e.message())
        .isEqualTo(
            "generation 2 is invalid; generation 1 stays in force: spec.egress[0].toCIDR[0]: bad");

    var back = transition(Optional.of(bad), enforced(3, 8, false, Optional.of(bad)));
    assertThat(back.orElseThrow().warning()).isFalse();
    assertThat(back.orElseThrow().reason()).isEqualTo("Enforced");
  }

  @Test
  void l7RulesNotEnforcedAreOneWarning() {
    PolicyStatus p = progressing(1, Optional.empty());
    PolicyStatus l7 = enforced(1, 7, true, Optional.of(p));
    var e = transition(Optional.of(p), l7).orElseThrow();
    assertThat(e.reason()).isEqualTo("L7NotEnforced");
    assertThat(e.message()).contains("L7 on 0/3 proxies");
    assertThat(transition(Optional.of(l7), enforced(1, 8, true, Optional.of(l7)))).isEmpty();
  }
}
