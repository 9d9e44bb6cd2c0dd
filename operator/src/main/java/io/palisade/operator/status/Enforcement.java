package io.palisade.operator.status;

/**
 * How far a policy generation is enforced: on {@code enforced} of the {@code desired} nodes that
 * run an endpoint it selects, counting nodes that hold {@code revision} or a later one.
 */
public record Enforcement(int desired, int enforced, long revision) {

  public boolean complete() {
    return enforced >= desired;
  }

  /** "enforced on 12/12 nodes at revision 4711". */
  public String message() {
    return "enforced on "
        + enforced
        + "/"
        + desired
        + (desired == 1 ? " node" : " nodes")
        + " at revision "
        + revision;
  }
}
