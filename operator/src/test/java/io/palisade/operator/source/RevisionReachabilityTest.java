package io.palisade.operator.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.crds.palisade.ReachabilityChange;
import io.palisade.gitops.RepositoryCache;
import io.palisade.pipeline.inventory.ClusterInventory;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How finished counts wait for a status that holds them. */
class RevisionReachabilityTest {

  private static final SourceId SRC = new SourceId("prod", "src");

  @TempDir Path dir;

  @Test
  void aCountStaysUntilAStatusReadBackHoldsIt() {
    try (var counts = counts()) {
      ReachabilityChange two = change("r2", "r1", 2);
      counts.keep(SRC, two);

      assertThat(counts.unrecorded(SRC, Optional.empty())).containsExactly(two);
      assertThat(counts.unrecorded(SRC, Optional.of(status(List.of())))).containsExactly(two);
      assertThat(counts.unrecorded(SRC, Optional.of(status(List.of(two))))).isEmpty();
      assertThat(counts.unrecorded(SRC, Optional.of(status(List.of())))).isEmpty();
    }
  }

  @Test
  void aLaterCountOfTheSameRevisionReplacesTheEarlierOne() {
    try (var counts = counts()) {
      ReachabilityChange overSecond = change("r3", "r2", 0);
      ReachabilityChange overFirst = change("r3", "r1", 4);
      counts.keep(SRC, overSecond);
      counts.keep(SRC, overFirst);

      List<ReachabilityChange> pending = counts.unrecorded(SRC, Optional.of(status(List.of())));
      assertThat(pending).containsExactly(overFirst);
      PolicySourceStatus written = SourceStatusBuilder.withReachability(status(List.of()), pending);
      assertThat(counts.unrecorded(SRC, Optional.of(written))).isEmpty();
    }
  }

  @Test
  void noMoreCountsWaitThanTheStatusKeeps() {
    try (var counts = counts()) {
      for (int i = 1; i <= SourceStatusBuilder.HISTORY + 2; i++) {
        counts.keep(SRC, change("r" + i, "r" + (i - 1), i));
      }
      List<ReachabilityChange> pending = counts.unrecorded(SRC, Optional.of(status(List.of())));
      assertThat(pending).hasSize(SourceStatusBuilder.HISTORY);
      assertThat(pending.getLast().revision()).isEqualTo("r" + (SourceStatusBuilder.HISTORY + 2));
      PolicySourceStatus written = SourceStatusBuilder.withReachability(status(List.of()), pending);
      assertThat(written.reachability()).containsExactlyInAnyOrderElementsOf(pending);
      assertThat(counts.unrecorded(SRC, Optional.of(written))).isEmpty();
    }
  }

  private RevisionReachability counts() {
    return new RevisionReachability(
        new ClusterInventory(), new RepositoryCache(dir), RevisionReachability.DEFAULT_MAX_PAIRS);
  }

  private static ReachabilityChange change(String revision, String from, long widened) {
    return new ReachabilityChange(revision, from, widened, 0L, true, null);
  }

  private static PolicySourceStatus status(List<ReachabilityChange> reachability) {
    return new PolicySourceStatus(
        1L, null, null, null, null, null, null, null, null, null, reachability);
  }
}
