package io.palisade.operator.nodestate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** At most so many snapshots in flight; places go to waiters in order, and a stuck one's lapses. */
class SnapshotGateTest {

  private final AtomicLong now = new AtomicLong();
  private final SnapshotGate gate = new SnapshotGate(2, Duration.ofSeconds(10), now::get);
  private final List<String> woken = new ArrayList<>();

  private Runnable node(String name) {
    return () -> woken.add(name);
  }

  @Test
  void waitersGetFreedPlacesInTheOrderTheyAsked() {
    Runnable a = node("a");
    Runnable b = node("b");
    Runnable c = node("c");
    Runnable d = node("d");
    assertThat(gate.enter(a)).isTrue();
    assertThat(gate.enter(b)).isTrue();
    assertThat(gate.enter(c)).isFalse();
    assertThat(gate.enter(d)).isFalse();
    assertThat(gate.enter(a)).as("a holder keeps its place").isTrue();
    assertThat(gate.inFlight()).isEqualTo(2);

    gate.leave(b);
    assertThat(woken).containsExactly("c");
    assertThat(gate.enter(c)).isTrue();
    assertThat(gate.enter(d)).isFalse();

    gate.leave(d); // left while waiting: not woken later
    gate.leave(a);
    assertThat(woken).containsExactly("c");
    assertThat(gate.inFlight()).isEqualTo(1);
  }

  @Test
  void aHolderThatNeverAcksLosesItsPlaceAfterTheLease() {
    Runnable stuck = node("stuck");
    Runnable other = node("other");
    Runnable late = node("late");
    gate.enter(stuck);
    gate.enter(other);
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(gate.enter(late)).isFalse();
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(gate.enter(late)).isTrue();
    gate.leave(stuck); // its place already lapsed: gives nothing back twice
    assertThat(gate.inFlight()).isEqualTo(2);
  }

  @Test
  void noPlaceAtAllIsRefused() {
    assertThatThrownBy(() -> new SnapshotGate(0)).hasMessage("snapshots in flight: 0 (at least 1)");
  }
}
