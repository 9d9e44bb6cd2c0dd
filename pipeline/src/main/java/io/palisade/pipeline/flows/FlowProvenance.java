package io.palisade.pipeline.flows;

import java.util.List;
import java.util.Optional;

/**
 * What decided one side of a flow: the rule whose entry the datapath used ({@code decidedBy}), or,
 * for a drop no rule matched, the policies whose default deny dropped it ({@code defaultDenyOf}).
 */
public record FlowProvenance(
    Optional<PolicyDecision> decidedBy, List<PolicyDecision> defaultDenyOf) {

  public static final FlowProvenance NONE = new FlowProvenance(Optional.empty(), List.of());

  public FlowProvenance {
    defaultDenyOf = List.copyOf(defaultDenyOf);
  }

  /** The policy to show for the flow: the deciding rule, else the first default-deny policy. */
  public Optional<PolicyDecision> policy() {
    return decidedBy.or(() -> defaultDenyOf.stream().findFirst());
  }
}
