package io.palisade.policy.resolve;

import java.util.ArrayList;
import java.util.List;

/** Splits a port range into the fewest aligned power-of-two blocks, as LPM keys need. */
public final class PortPrefixes {

  /** One aligned block: {@code port} with {@code bits} significant leading bits. */
  public record Block(int port, int bits) {}

  private PortPrefixes() {}

  public static List<Block> of(int start, int end) {
    List<Block> out = new ArrayList<>();
    long p = start;
    while (p <= end) {
      int size = 0;
      // Grow the block while it stays aligned at p and inside the range.
      while (size < 16
          && (p & ((1L << (size + 1)) - 1)) == 0
          && p + (1L << (size + 1)) - 1 <= end) {
        size++;
      }
      out.add(new Block((int) p, 16 - size));
      p += 1L << size;
    }
    return out;
  }
}
