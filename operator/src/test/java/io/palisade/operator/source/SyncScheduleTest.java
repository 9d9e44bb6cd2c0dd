package io.palisade.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyncScheduleTest {

  static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  static final Duration MINUTE = Duration.ofMinutes(1);

  @Test
  void aSourceIsDueOnFirstSightThenAtItsIntervalWithFivePercentJitter() {
    SyncSchedule early = new SyncSchedule(() -> 0.0);
    assertThat(early.due("ns/s", 1, false, T0)).isTrue();
    assertThat(early.synced("ns/s", 1, MINUTE, T0, Optional.empty()))
        .isEqualTo(Duration.ofSeconds(57));
    assertThat(early.due("ns/s", 1, false, T0.plusSeconds(56))).isFalse();
    assertThat(early.untilDue("ns/s", T0.plusSeconds(56))).isEqualTo(Duration.ofSeconds(1));
    assertThat(early.due("ns/s", 1, false, T0.plusSeconds(57))).isTrue();

    SyncSchedule late = new SyncSchedule(() -> 1.0);
    assertThat(late.synced("ns/s", 1, MINUTE, T0, Optional.empty()))
        .isEqualTo(Duration.ofSeconds(63));
  }

  @Test
  void aNewGenerationOrAnUnhandledRequestIsDueAtOnce() {
    SyncSchedule s = new SyncSchedule(() -> 0.5);
    s.synced("ns/s", 1, MINUTE, T0, Optional.empty());
    assertThat(s.due("ns/s", 1, false, T0.plusSeconds(1))).isFalse();
    assertThat(s.due("ns/s", 2, false, T0.plusSeconds(1))).isTrue();
    assertThat(s.due("ns/s", 1, true, T0.plusSeconds(1))).isTrue();
  }

  @Test
  void aWebhookCallDuringASyncKeepsTheSourceDueSoItsPushIsFetchedToo() {
    SyncSchedule s = new SyncSchedule(() -> 0.5);
    s.synced("ns/s", 1, MINUTE, T0, Optional.empty());
    s.requestNow("ns/s", T0.plusSeconds(1));
    assertThat(s.due("ns/s", 1, false, T0.plusSeconds(1))).isTrue();
    Optional<SyncSchedule.Pending> atStart = s.pending("ns/s");
    s.synced("ns/s", 1, MINUTE, T0.plusSeconds(2), atStart);
    assertThat(s.due("ns/s", 1, false, T0.plusSeconds(3))).isFalse();

    s.requestNow("ns/s", T0.plusSeconds(4));
    atStart = s.pending("ns/s");
    s.requestNow("ns/s", T0.plusSeconds(5)); // while fetching
    s.synced("ns/s", 1, MINUTE, T0.plusSeconds(6), atStart);
    assertThat(s.due("ns/s", 1, false, T0.plusSeconds(7))).isTrue();
    assertThat(s.pending("ns/s").orElseThrow().since())
        .as("latency is counted from the oldest unhandled call")
        .isEqualTo(T0.plusSeconds(4));
  }
}
