package io.palisade.node.observe;

import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.policy.Protocol;
import java.util.List;
import java.util.Optional;

/**
 * Turns a datapath event into a {@link Flow}: pods for addresses and, for a verdict the policy
 * made, the rule that made it, named by {@link FlowNaming#name} as the operator names the flows its
 * daemons relay. With no pipeline in the process (stream mode) a flow keeps its addresses and
 * identities and names no policy.
 */
public final class FlowNamer {

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
    Flow flow = addresses(e);
    return naming.map(n -> n.name(flow)).orElse(flow);
  }

  /** The event as a flow of addresses and identities, naming no pod and no policy. */
  private static Flow addresses(FlowEvent e) {
    return new Flow(
        e.time(),
        e.verdict(),
        e.reason(),
        e.direction(),
        Protocol.ofNumber(e.protocol()).map(Enum::name).orElse(Integer.toString(e.protocol())),
        endpoint(e.source(), e.sourceIdentity(), e.sourcePort()),
        endpoint(e.destination(), e.destinationIdentity(), e.destinationPort()),
        Optional.empty(),
        List.of(),
        e.policies(),
        e.ifindex());
  }

  private static Flow.Endpoint endpoint(String address, long identity, int port) {
    return new Flow.Endpoint(Optional.empty(), Optional.empty(), address, identity, port);
  }
}
