package io.palisade.operator.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentityGarbageCollectorTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void anIdentityIsCollectedOnlyAfterTheGracePeriodUnused() {
    IdentityGarbageCollector gc = new IdentityGarbageCollector(Duration.ofMinutes(10));
    Set<Long> allocated = Set.of(300L, 301L);
    assertThat(gc.collect(allocated, Set.of(300L), T0)).isEmpty();
    assertThat(gc.collect(allocated, Set.of(300L), T0.plusSeconds(599))).isEmpty();
    assertThat(gc.collect(allocated, Set.of(300L), T0.plusSeconds(600))).containsExactly(301L);
  }

  @Test
  void useAgainRestartsTheClock() {
    IdentityGarbageCollector gc = new IdentityGarbageCollector(Duration.ofMinutes(10));
    Set<Long> allocated = Set.of(301L);
    gc.collect(allocated, Set.of(), T0);
    gc.collect(allocated, Set.of(301L), T0.plusSeconds(300));
    assertThat(gc.collect(allocated, Set.of(), T0.plusSeconds(600))).isEmpty();
    assertThat(gc.collect(allocated, Set.of(), T0.plusSeconds(1200))).containsExactly(301L);
  }
}
