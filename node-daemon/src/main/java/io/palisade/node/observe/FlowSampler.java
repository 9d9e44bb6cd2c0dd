package io.palisade.node.observe;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --flow-sample N}: which new allowed flows are reported. Drops and audit reports always
 * are; of the allowed (and redirected) flows, one in {@code N} ({@code 1}: all, the default; {@code
 * 0}: none).
 */
public final class FlowSampler {

  private final int oneIn;
  private final AtomicLong allowed = new AtomicLong();

  public FlowSampler(int oneIn) {
    if (oneIn < 0) {
      throw new IllegalArgumentException("--flow-sample: must be 0 (no allowed flows) or more");
    }
    this.oneIn = oneIn;
  }

  public boolean keep(FlowEvent e) {
    if (e.isDrop() || e.isAudit()) {
      return true;
    }
    return oneIn != 0 && allowed.getAndIncrement() % oneIn == 0;
  }
}
