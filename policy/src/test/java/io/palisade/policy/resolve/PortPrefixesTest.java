package io.palisade.policy.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.resolve.PortPrefixes.Block;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PortPrefixesTest {

  @ParameterizedTest
  @CsvSource({"80,80,1", "80,83,1", "80,90,3", "0,65535,1", "1,65535,16", "1024,2047,1"})
  void splitsIntoTheFewestAlignedBlocks(int start, int end, int blocks) {
    assertThat(PortPrefixes.of(start, end)).hasSize(blocks);
  }

  @Test
  void eightyToNinety() {
    assertThat(PortPrefixes.of(80, 90))
        .containsExactly(new Block(80, 13), new Block(88, 15), new Block(90, 16));
  }

  @Test
  void blocksCoverExactlyTheRange() {
    Random r = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      int a = r.nextInt(65536);
      int b = a + r.nextInt(65536 - a);
      boolean[] covered = new boolean[65536];
      for (Block blk : PortPrefixes.of(a, b)) {
        int size = 1 << (16 - blk.bits());
        assertThat(blk.port() % size).as("aligned").isZero();
        for (int p = blk.port(); p < blk.port() + size; p++) {
          assertThat(covered[p]).as("blocks overlap at %d", p).isFalse();
          covered[p] = true;
        }
      }
      for (int p = 0; p < 65536; p++) {
        assertThat(covered[p]).as("port %d for %d-%d", p, a, b).isEqualTo(p >= a && p <= b);
      }
    }
  }

  @Test
  void singlePortsAreFullPrefixes() {
    assertThat(PortPrefixes.of(443, 443)).isEqualTo(List.of(new Block(443, 16)));
  }
}
