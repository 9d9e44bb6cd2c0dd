package io.palisade.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.pipeline.Enforcement;
import io.palisade.policy.parse.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyConditionsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  private static PolicyCondition c(PolicyStatus s, String type) {
    return PolicyConditions.condition(s, type).orElseThrow();
  }

  @Test
  void firstSightIsReconcilingWithReadyUnknown() {
    PolicyStatus s =
        PolicyConditions.build(
            3, List.of(), Optional.empty(), Optional.empty(), false, Optional.empty(), T0);
    assertThat(s.observedGeneration()).isEqualTo(3);
    assertThat(c(s, "Ready").status()).isEqualTo("Unknown");
    assertThat(c(s, "Reconciling").status()).isEqualTo("True");
    assertThat(c(s, "Reconciling").reason()).isEqualTo("Progressing");
    assertThat(c(s, "Stalled").status()).isEqualTo("False");
    assertThat(c(s, "Valid").status()).isEqualTo("True");
    assertThat(s.conditions()).allMatch(x -> x.observedGeneration() == 3);
    assertThat(s.desiredNodes()).isNull();
  }

  @Test
  void anotherWritersConditionsStayAndPalisadesAreWrittenOver() {
    PolicyCondition scanned =
        new PolicyCondition(
            "example.io/Scanned", "True", "Scanned", "seen", "2026-01-01T00:00:00Z", null);
    PolicyCondition untyped = new PolicyCondition(null, "True", "X", "no type", null, null);
    PolicyCondition staleReady = new PolicyCondition("Ready", "False", "Old", "old", null, 1L);
    PolicyStatus previous =
        new PolicyStatus(1L, java.util.Arrays.asList(staleReady, scanned, untyped, null));

    PolicyStatus s =
        PolicyConditions.build(
            2, List.of(), Optional.empty(), Optional.empty(), false, Optional.of(previous), T0);

    assertThat(s.conditions()).contains(scanned).doesNotContain(untyped, staleReady, null);
    assertThat(s.conditions().stream().filter(x -> x.type().equals("Ready"))).hasSize(1);
    // Built again over itself, it is the same status: nothing to write.
    assertThat(
            PolicyConditions.same(
                s,
                PolicyConditions.build(
                    2, List.of(), Optional.empty(), Optional.empty(), false, Optional.of(s), T0)))
        .isTrue();
  }

  @Test
  void everyErrorIsInValidAndStalled() {
    List<FieldError> errors =
        List.of(
            new FieldError("spec.egress[0].toCIDR[0]", "\"10.0.0.0/33\" is not a CIDR"),
            new FieldError("spec.ingress[0].toPorts[0].ports[0].port", "\"99999\" is no port"));
    PolicyStatus s =
        PolicyConditions.build(
            1, errors, Optional.empty(), Optional.empty(), false, Optional.empty(), T0);
    assertThat(c(s, "Valid").status()).isEqualTo("False");
    assertThat(c(s, "Valid").message())
        .isEqualTo(
            "spec.egress[0].toCIDR[0]: \"10.0.0.0/33\" is not a CIDR; "
                + "spec.ingress[0].toPorts[0].ports[0].port: \"99999\" is no port");
    assertThat(c(s, "Stalled").status()).isEqualTo("True");
    assertThat(c(s, "Ready").status()).isEqualTo("False");
    assertThat(c(s, "Reconciling").status()).isEqualTo("False");
    assertThat(c(s, "Enforced").message()).isEqualTo("the policy is invalid and enforced nowhere");

    PolicyStatus kept =
        PolicyConditions.build(
            3, errors, Optional.empty(), Optional.of(2L), false, Optional.empty(), T0);
    assertThat(c(kept, "Ready").message())
        .isEqualTo("generation 3 is invalid; generation 2 stays in force");
    assertThat(c(kept, "Enforced").status()).isEqualTo("False");
  }

  @Test
  void enforcementCountsNodesAndReadyFollowsIt() {
    PolicyStatus partial =
        PolicyConditions.build(
            1,
            List.of(),
            Optional.of(new Enforcement(12, 5, 4711)),
            Optional.empty(),
            false,
            Optional.empty(),
            T0);
    assertThat(c(partial, "Enforced").status()).isEqualTo("False");
    assertThat(c(partial, "Enforced").message())
        .isEqualTo("enforced on 5/12 nodes at revision 4711");
    assertThat(c(partial, "Ready").status()).isEqualTo("Unknown");
    assertThat(partial.desiredNodes()).isEqualTo(12);
    assertThat(partial.enforcedNodes()).isEqualTo(5);
    assertThat(partial.enforcedRevision()).isEqualTo(4711);

    PolicyStatus full =
        PolicyConditions.build(
            1,
            List.of(),
            Optional.of(new Enforcement(12, 12, 4711)),
            Optional.empty(),
            false,
            Optional.of(partial),
            T1);
    assertThat(c(full, "Ready").status()).isEqualTo("True");
    assertThat(c(full, "Enforced").message()).isEqualTo("enforced on 12/12 nodes at revision 4711");
    assertThat(c(full, "Reconciling").status()).isEqualTo("False");
  }

  @Test
  void aConditionKeepsItsTransitionTimeWhileItsStatusStays() {
    PolicyStatus first =
        PolicyConditions.build(
            1,
            List.of(),
            Optional.of(new Enforcement(2, 1, 7)),
            Optional.empty(),
            false,
            Optional.empty(),
            T0);
    PolicyStatus again =
        PolicyConditions.build(
            1,
            List.of(),
            Optional.of(new Enforcement(2, 1, 7)),
            Optional.empty(),
            false,
            Optional.of(first),
            T1);
    assertThat(PolicyConditions.same(first, again)).isTrue();

    PolicyStatus done =
        PolicyConditions.build(
            1,
            List.of(),
            Optional.of(new Enforcement(2, 2, 7)),
            Optional.empty(),
            false,
            Optional.of(first),
            T1);
    assertThat(c(done, "Valid").lastTransitionTime()).isEqualTo(T0.toString());
    assertThat(c(done, "Ready").lastTransitionTime()).isEqualTo(T1.toString());
    assertThat(PolicyConditions.same(first, done)).isFalse();
  }

  @Test
  void aPolicyWithL7RulesIsNotEnforcedWhereNoProxyHoldsThem() {
    PolicyStatus s =
        PolicyConditions.build(
            2,
            List.of(),
            Optional.of(
                new Enforcement(3, 3, 99)
                    .withL7(
                        new Enforcement.L7(
                            2,
                            List.of(
                                "node-c: no L7 proxy runs on the node, so its redirected traffic"
                                    + " is dropped")))),
            Optional.of(2L),
            true,
            Optional.empty(),
            T0);
    assertThat(c(s, "Ready").status()).isEqualTo("False");
    assertThat(c(s, "Ready").reason()).isEqualTo("L7NotEnforced");
    assertThat(c(s, "Enforced").status()).isEqualTo("False");
    assertThat(c(s, "Enforced").message())
        .isEqualTo(
            "L3/L4 enforced on 3/3 nodes, L7 on 2/3 proxies at revision 99; node-c: no L7 proxy"
                + " runs on the node, so its redirected traffic is dropped; the traffic its L7"
                + " rules select is dropped there");
    assertThat(c(s, "Stalled").status()).isEqualTo("True");
    assertThat(s.conditions().stream().filter(x -> x.type().equals("Stalled"))).hasSize(1);
    assertThat(c(s, "Reconciling").status()).isEqualTo("False");
  }

  @Test
  void aPolicyWithL7RulesIsEnforcedOnceEveryProxyHoldsThem() {
    Enforcement e = new Enforcement(3, 3, 99);
    PolicyStatus waiting =
        PolicyConditions.build(
            2,
            List.of(),
            Optional.of(e.withL7(new Enforcement.L7(1, List.of()))),
            Optional.of(2L),
            true,
            Optional.empty(),
            T0);
    assertThat(c(waiting, "Enforced").status()).isEqualTo("False");
    assertThat(c(waiting, "Enforced").reason()).isEqualTo("Enforcing");
    assertThat(c(waiting, "Reconciling").status()).isEqualTo("True");
    assertThat(c(waiting, "Stalled").status()).isEqualTo("False");

    PolicyStatus done =
        PolicyConditions.build(
            2,
            List.of(),
            Optional.of(e.withL7(new Enforcement.L7(3, List.of()))),
            Optional.of(2L),
            true,
            Optional.of(waiting),
            T1);
    assertThat(c(done, "Enforced").status()).isEqualTo("True");
    assertThat(c(done, "Enforced").message())
        .isEqualTo("L3/L4 enforced on 3/3 nodes, L7 on 3/3 proxies at revision 99");
    assertThat(c(done, "Ready").status()).isEqualTo("True");
    assertThat(c(done, "Stalled").status()).isEqualTo("False");
  }

  @Test
  void l7RulesNobodyCountedAreEnforcedNowhere() {
    PolicyStatus s =
        PolicyConditions.build(
            2,
            List.of(),
            Optional.of(new Enforcement(3, 3, 99)),
            Optional.of(2L),
            true,
            Optional.empty(),
            T0);
    assertThat(c(s, "Enforced").status()).isEqualTo("False");
    assertThat(c(s, "Enforced").reason()).isEqualTo("L7NotEnforced");
    assertThat(c(s, "Stalled").status()).isEqualTo("True");
  }
}
