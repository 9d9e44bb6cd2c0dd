package io.palisade.benchmarks.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void aLiveThreadsCpuIsCountedUnderItsKind() throws Exception {
    Map<String, Double> before = ThreadCpu.snapshot();
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // Kept alive past the second snapshot: a thread that has ended is no longer listed.
    Thread t =
        Thread.ofPlatform()
            .name("bench-busy-7")
            .start(
                () -> {
                  spin(100);
                  done.countDown();
                  awaitQuietly(release);
                });
    done.await();
    Map<String, Double> spent = ThreadCpu.since(before, ThreadCpu.snapshot());
    release.countDown();
    t.join();
    assertThat(spent).containsKey("bench-busy-#");
    assertThat(spent.get("bench-busy-#")).isGreaterThanOrEqualTo(90.0);
  }

  @Test
  void theJvmsOwnThreadsAreListedAndTheLauncherThreadIsNotCountedTwice() {
    Map<String, Double> now = ThreadCpu.snapshot();
    assertThat(now.keySet()).anyMatch(k -> k.startsWith("C# CompilerThre"));
    assertThat(now).doesNotContainKey("java");
  }

  /** Burns this thread's CPU until it has used {@code ms} of it, whatever else the machine runs. */
  private static void spin(long ms) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long until = mx.getCurrentThreadCpuTime() + ms * 1_000_000;
    long x = 0;
    while (mx.getCurrentThreadCpuTime() < until) {
      x += System.nanoTime() % 7;
    }
    if (x == 42) {
      System.out.print("");
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
