package io.palisade.node.observe;

import io.palisade.node.maps.Reason;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowProvenance;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a datapath event into a {@link Flow}: pods for addresses and, for a verdict the policy
 * made, the rule that made it. With no pipeline in the process (stream mode) a flow keeps its
 * addresses and identities and names no policy.
 */
public final class FlowNamer {

  /** The verdicts a policy entry (or its absence) made; the others are conntrack's or control. */
  private static final Set<String> POLICY_REASONS =
      Set.of(
          Reason.FWD_POLICY.label(),
          Reason.FWD_PROXY.label(),
          Reason.DROP_POLICY.label(),
          Reason.DROP_POLICY_DENY.label(),
          Reason.DROP_PROXY_UNAVAILABLE.label());

  private final Optional<FlowNaming> naming;

  private FlowNamer(Optional<FlowNaming> naming) {
    this.naming = naming;
  }

  /** Names flows from the rules of an in-process pipeline (file mode, standalone --enforce). */
  public static FlowNamer of(FlowNaming naming) {
    return new FlowNamer(Optional.of(naming));
  }

  /** Keeps addresses and identities: no rules to name flows from in this process. */
  public static FlowNamer addressesOnly() {
    return new FlowNamer(Optional.empty());
  }

  public Flow name(FlowEvent e) {
    Direction d = e.direction().equals("egress") ? Direction.EGRESS : Direction.INGRESS;
    FlowProvenance provenance = FlowProvenance.NONE;
    if (naming.isPresent() && POLICY_REASONS.contains(e.reason())) {
      boolean egress = d == Direction.EGRESS;
      provenance =
          naming
              .get()
              .explain(
                  d,
                  egress ? e.sourceIdentity() : e.destinationIdentity(),
                  egress ? e.destinationIdentity() : e.sourceIdentity(),
                  Optional.of(egress ? e.destination() : e.source()),
                  e.protocol(),
                  e.destinationPort());
    }
    if (!e.reason().equals(Reason.DROP_POLICY.label())) {
      // Only a drop with no entry is a default deny; an allowed flow the rules would not allow
      // (the host's traffic, which the engine allows beside them) names no policy.
      provenance = new FlowProvenance(provenance.decidedBy(), java.util.List.of());
    }
    return new Flow(
        e.time(),
        e.verdict(),
        e.reason(),
        e.direction(),
        Protocol.ofNumber(e.protocol()).map(Enum::name).orElse(Integer.toString(e.protocol())),
        endpoint(e.source(), e.sourceIdentity(), e.sourcePort()),
        endpoint(e.destination(), e.destinationIdentity(), e.destinationPort()),
        provenance.policy(),
        provenance.defaultDenyOf(),
        e.policies(),
        e.ifindex());
  }

  private Flow.Endpoint endpoint(String address, long identity, int port) {
    Optional<String> pod = naming.flatMap(n -> n.podAt(address));
    return new Flow.Endpoint(
        pod.map(p -> p.substring(p.indexOf('/') + 1)),
        pod.filter(p -> p.contains("/")).map(p -> p.substring(0, p.indexOf('/'))),
        address,
        identity,
        port);
  }
}
