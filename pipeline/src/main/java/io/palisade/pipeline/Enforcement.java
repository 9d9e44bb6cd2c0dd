package io.palisade.pipeline;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How far a policy generation is enforced: on {@code enforced} of the {@code desired} nodes that
 * run an endpoint it selects, counting nodes that hold {@code revision} or a later one; {@code
 * failures} are the nodes that could not apply their state, each with the reason it gave. A policy
 * with L7 rules also has {@code l7}: on how many of the same nodes a proxy enforces them.
 */
public record Enforcement(
    int desired, int enforced, long revision, List<String> failures, Optional<L7> l7) {

  /**
   * The L7 half: {@code enforced} of the desired nodes have a proxy holding the revision; {@code
   * failures} say why the others do not (no proxy on the node, a proxy that refused its config, a
   * parser no proxy implements). A failure is a standing state, not a delay: nothing changes until
   * the node gets a proxy or the policy changes.
   */
  public record L7(int enforced, List<String> failures) {
    public L7 {
      failures = List.copyOf(failures);
    }
  }

  public Enforcement {
    failures = List.copyOf(failures);
  }

  public Enforcement(int desired, int enforced, long revision, List<String> failures) {
    this(desired, enforced, revision, failures, Optional.empty());
  }

  public Enforcement(int desired, int enforced, long revision) {
    this(desired, enforced, revision, List.of());
  }

  /** Every desired node holds the revision's L3/L4 state. */
  public boolean l3l4Complete() {
    return enforced >= desired;
  }

  /** Every desired node holds the revision, its L7 rules included. */
  public boolean complete() {
    return l3l4Complete() && l7.map(x -> x.enforced() >= desired).orElse(true);
  }

  /** The same enforcement whose L7 part is {@code l7}. */
  public Enforcement withL7(L7 l7) {
    return new Enforcement(desired, enforced, revision, failures, Optional.of(l7));
  }

  /**
   * "enforced on 12/12 nodes at revision 4711", or with L7 rules "L3/L4 enforced on 12/12 nodes, L7
   * on 11/12 proxies at revision 4711", then the first few failures.
   */
  public String message() {
    StringBuilder sb = new StringBuilder();
    sb.append(l7.isPresent() ? "L3/L4 enforced on " : "enforced on ")
        .append(enforced)
        .append('/')
        .append(desired)
        .append(desired == 1 ? " node" : " nodes");
    l7.ifPresent(
        x ->
            sb.append(", L7 on ")
                .append(x.enforced())
                .append('/')
                .append(desired)
                .append(desired == 1 ? " proxy" : " proxies"));
    sb.append(" at revision ").append(revision);
    List<String> all =
        l7.map(x -> Stream.concat(failures.stream(), x.failures().stream()).toList())
            .orElse(failures);
    all.stream().limit(3).forEach(f -> sb.append("; ").append(f));
    if (all.size() > 3) {
      sb.append("; and ").append(all.size() - 3).append(" more failures");
    }
    return sb.toString();
  }
}
