package io.palisade.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.gitops.ObjectRef;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.SourceSync;
import io.palisade.operator.source.SourceStatusBuilder.Sync;
import io.palisade.policy.rules.PolicySet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourceStatusBuilderTest {

  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final ObjectRef A = new ObjectRef("cilium.io", "CiliumNetworkPolicy", "prod", "a");

  private static Sync rolled(String sha) {
    RevisionContent c =
        new RevisionContent(
            "main@sha1:" + sha, "sha256:" + sha, new PolicySet(), List.of(), List.of(), List.of());
    return new Sync.Rolled(
        c,
        new RevisionRollout.Result(
            List.of(A), Map.of(), List.of(), List.of(), Optional.empty(), Map.of(), List.of(A)));
  }

  private static PolicySourceStatus build(Optional<PolicySourceStatus> previous, Sync sync) {
    return SourceStatusBuilder.build(1, previous, sync, Optional.empty(), Optional.empty(), NOW);
  }

  @Test
  void historyKeepsTheLastFiveOutcomesNewestFirstAndOneEntryPerRepeat() {
    Optional<PolicySourceStatus> s = Optional.empty();
    for (String sha : List.of("1", "2", "2", "3", "4", "5", "6")) {
      s = Optional.of(build(s, rolled(sha)));
    }
    assertThat(s.get().history())
        .extracting(h -> h.revision())
        .containsExactly("main@sha1:6", "main@sha1:5", "main@sha1:4", "main@sha1:3", "main@sha1:2");
  }

  @Test
  void aFailedFetchKeepsTheInventoryAndTheAppliedRevision() {
    PolicySourceStatus applied = build(Optional.empty(), rolled("1"));
    PolicySourceStatus failed =
        build(Optional.of(applied), new Sync.Failed(SourceSync.Stage.FETCH, "fetch failed: down"));

    assertThat(failed.inventory()).isEqualTo(applied.inventory());
    assertThat(failed.lastAppliedRevision()).isEqualTo("main@sha1:1");
    assertThat(failed.artifact()).isEqualTo(applied.artifact());
    assertThat(SourceStatusBuilder.readyReason(failed)).isEqualTo("FetchFailed");
  }

  @Test
  void anEventIsDueOnlyWhenReadySaysSomethingNew() {
    PolicySourceStatus started = build(Optional.empty(), new Sync.Started());
    assertThat(SourceStatusBuilder.event(Optional.empty(), started)).isEmpty();

    PolicySourceStatus applied = build(Optional.of(started), rolled("1"));
    var event = SourceStatusBuilder.event(Optional.of(started), applied).orElseThrow();
    assertThat(event.reason()).isEqualTo("Applied");
    assertThat(event.warning()).isFalse();
    assertThat(event.message()).isEqualTo("revision main@sha1:1: applied 1");

    PolicySourceStatus again = build(Optional.of(applied), rolled("1"));
    assertThat(again).isEqualTo(applied);
    assertThat(SourceStatusBuilder.event(Optional.of(applied), again)).isEmpty();

    PolicySourceStatus failed =
        build(Optional.of(applied), new Sync.Failed(SourceSync.Stage.VERIFY, "unsigned"));
    var warning = SourceStatusBuilder.event(Optional.of(applied), failed).orElseThrow();
    assertThat(warning.warning()).isTrue();
    assertThat(warning.reason()).isEqualTo("VerificationFailed");
  }
}
