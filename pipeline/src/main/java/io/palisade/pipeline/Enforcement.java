package io.palisade.pipeline;

import java.util.List;

/**
 * How far a policy generation is enforced: on {@code enforced} of the {@code desired} nodes that
 * run an endpoint it selects, counting nodes that hold {@code revision} or a later one; {@code
 * failures} are the nodes that could not apply their state, each with the reason it gave.
 */
public record Enforcement(int desired, int enforced, long revision, List<String> failures) {

  public Enforcement {
    failures = List.copyOf(failures);
  }

  public Enforcement(int desired, int enforced, long revision) {
    this(desired, enforced, revision, List.of());
  }

  public boolean complete() {
    return enforced >= desired;
  }

  /** "enforced on 12/12 nodes at revision 4711", then the first few failures. */
  public String message() {
    StringBuilder sb =
        new StringBuilder("enforced on ")
            .append(enforced)
            .append('/')
            .append(desired)
            .append(desired == 1 ? " node" : " nodes")
            .append(" at revision ")
            .append(revision);
    failures.stream().limit(3).forEach(f -> sb.append("; ").append(f));
    if (failures.size() > 3) {
      sb.append("; and ").append(failures.size() - 3).append(" more nodes failed");
    }
    return sb.toString();
  }
}
