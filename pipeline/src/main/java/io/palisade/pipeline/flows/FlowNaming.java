package io.palisade.pipeline.flows;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.reference.Contribution;
import io.palisade.policy.reference.DirectionVerdict;
import io.palisade.policy.rules.RuleOrigin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Names the rule behind a datapath verdict. The datapath reports what it did (identities, port,
 * verdict) but not which rule put the entry there, so the flow is decided again from the rules in
 * force with the reference evaluator, whose verdict is the datapath's by construction (the engine
 * is tested against it), and whose matched sections carry their origin and path. This costs a walk
 * of the subject's rules per named flow, not a word per MapState entry.
 *
 * <p>Safe from any thread: the pipeline serialises the evaluation with its own changes. One
 * instance serves every node: identities are the cluster's, so an answer holds for a flow of any
 * node, and the operator names all its daemons' flows through one cache.
 *
 * <p>Answers are cached per state of the inputs (see {@link #forgetIfChanged}).
 */
public final class FlowNaming {

  /** Names the PolicySource that applied an object, as {@code <namespace>/<name>}. */
  public static final String SOURCE_ANNOTATION = "palisade.io/source";

  /** The revision of that source the object is from, as {@code <ref>@sha1:<sha>}. */
  public static final String REVISION_ANNOTATION = "palisade.io/source-revision";

  /** Distinct flows remembered per state of the inputs: a flood repeats a few of them. */
  private static final int CACHED = 4096;

  private record Key(
      Direction direction,
      long subject,
      long peer,
      Optional<String> peerAddress,
      int protocol,
      int port) {}

  private record PodKey(String address, long identity) {}

  private final Pipeline pipeline;
  private final Supplier<String> defaultSource;
  private final Map<Key, FlowProvenance> explained = lru();
  private final Map<PodKey, Optional<String>> pods = lru();
  private long inventoryVersion = -1;
  private long revision = -1;

  /** {@code defaultSource}: where a policy without source marks came from in this mode. */
  public FlowNaming(Pipeline pipeline, Supplier<String> defaultSource) {
    this.pipeline = pipeline;
    this.defaultSource = defaultSource;
  }

  /**
   * {@code flow} with its pods and the policy that decided it named, as the node that saw it would
   * name it with these rules: the deciding rule for a reason a policy made ({@link PolicyReasons}),
   * the policies' default deny for a drop with no entry. A flow already named (a pod or a policy)
   * is returned as it is; an end whose identity is not the one this pipeline gives its address (an
   * identity unknown here, a pod since replaced) keeps its bare address, and a side whose
   * identities are unknown names no policy.
   *
   * @throws IllegalArgumentException naming the field, when the direction or protocol is not one
   */
  public synchronized Flow name(Flow flow) {
    if (isNamed(flow)) {
      return flow;
    }
    Direction direction = directionOf(flow.direction());
    int protocol = protocolOf(flow.protocol());
    forgetIfChanged();
    FlowProvenance provenance = FlowProvenance.NONE;
    if (PolicyReasons.madeByPolicy(flow.reason())) {
      boolean egress = direction == Direction.EGRESS;
      Flow.Endpoint local = egress ? flow.source() : flow.destination();
      Flow.Endpoint peer = egress ? flow.destination() : flow.source();
      provenance =
          explain(
              direction,
              local.identity(),
              peer.identity(),
              Optional.of(peer.address()),
              protocol,
              flow.destination().port());
    }
    if (!PolicyReasons.isDefaultDeny(flow.reason())) {
      provenance = new FlowProvenance(provenance.decidedBy(), List.of());
    }
    return new Flow(
        flow.time(),
        flow.verdict(),
        flow.reason(),
        flow.direction(),
        flow.protocol(),
        withPod(flow.source()),
        withPod(flow.destination()),
        provenance.policy(),
        provenance.defaultDenyOf(),
        flow.auditPolicies(),
        flow.ifindex(),
        flow.node());
  }

  private static boolean isNamed(Flow flow) {
    return flow.policy().isPresent()
        || !flow.defaultDenyOf().isEmpty()
        || flow.source().pod().isPresent()
        || flow.destination().pod().isPresent();
  }

  private static Direction directionOf(String direction) {
    return switch (direction) {
      case "ingress" -> Direction.INGRESS;
      case "egress" -> Direction.EGRESS;
      default ->
          throw new IllegalArgumentException(
              "flow.direction: \"" + direction + "\" is neither ingress nor egress");
    };
  }

  /** The number of a protocol as {@link Flow#protocol} writes it: its name, else its number. */
  private static int protocolOf(String protocol) {
    Optional<Protocol> named = Protocol.parse(protocol);
    if (named.isPresent()) {
      return named.get().number();
    }
    try {
      int number = Integer.parseInt(protocol);
      if (number >= 0 && number <= 255) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below with the field
    }
    throw new IllegalArgumentException(
        "flow.protocol: \"" + protocol + "\" is neither a protocol name nor a number 0-255");
  }

  private Flow.Endpoint withPod(Flow.Endpoint e) {
    Optional<String> pod =
        pods.computeIfAbsent(
            new PodKey(e.address(), e.identity()), k -> pipeline.podAt(k.address(), k.identity()));
    int slash = pod.map(p -> p.indexOf('/')).orElse(-1);
    return new Flow.Endpoint(
        pod.map(p -> p.substring(slash + 1)),
        pod.filter(p -> slash >= 0).map(p -> p.substring(0, slash)),
        e.address(),
        e.identity(),
        e.port());
  }

  /**
   * Answers are kept while the inventory and the published revision stay the same (a changed
   * policy, pod or mark changes one of them), so a flood of one flow is named once.
   */
  private void forgetIfChanged() {
    long v = pipeline.inventory().version();
    long r = pipeline.applier().revision();
    if (v != inventoryVersion || r != revision) {
      explained.clear();
      pods.clear();
      inventoryVersion = v;
      revision = r;
    }
  }

  private static <K, V> Map<K, V> lru() {
    return new java.util.LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > CACHED;
      }
    };
  }

  /**
   * What decided the {@code direction} side of a flow of {@code subject} (the local endpoint) with
   * {@code peer}: NONE when no rule selects the subject there or an identity is unknown.
   */
  public synchronized FlowProvenance explain(
      Direction direction,
      long subject,
      long peer,
      Optional<String> peerAddress,
      int protocol,
      int port) {
    forgetIfChanged();
    Key key = new Key(direction, subject, peer, peerAddress, protocol, port);
    FlowProvenance known = explained.get(key);
    if (known == null) {
      known = decide(direction, subject, peer, peerAddress, protocol, port);
      explained.put(key, known);
    }
    return known;
  }

  private FlowProvenance decide(
      Direction direction,
      long subject,
      long peer,
      Optional<String> peerAddress,
      int protocol,
      int port) {
    Optional<DirectionVerdict> found =
        pipeline.explain(direction, subject, peer, peerAddress, protocol, port);
    if (found.isEmpty() || !found.get().enforced()) {
      return FlowProvenance.NONE;
    }
    DirectionVerdict dv = found.get();
    for (Contribution c : dv.matched()) {
      if (c.verdict() == dv.verdict()) {
        RuleOrigin o = c.section().origin();
        return new FlowProvenance(Optional.of(decision(o, c.section().path())), List.of());
      }
    }
    if (dv.verdict() != Verdict.DENY) {
      return FlowProvenance.NONE;
    }
    List<PolicyDecision> denying = new ArrayList<>();
    for (RuleOrigin o : dv.selectedBy()) {
      PolicyDecision d = decision(o, o.rulePath());
      if (!denying.contains(d)) {
        denying.add(d);
      }
    }
    return new FlowProvenance(Optional.empty(), denying);
  }

  private PolicyDecision decision(RuleOrigin o, String rule) {
    String ns = o.namespace() == null ? "" : o.namespace();
    return new PolicyDecision(o.kind(), ns, o.name(), rule, sourceOf(PolicyRef.of(o)));
  }

  /** {@code PolicySource ns/name <revision>} from the object's marks, else this mode's default. */
  private String sourceOf(PolicyRef ref) {
    Map<String, String> marks =
        pipeline
            .inventory()
            .inForce(ref)
            .flatMap(PolicyValidation.Checked::object)
            .map(HasMetadata::getMetadata)
            .map(m -> m.getAnnotations() == null ? Map.<String, String>of() : m.getAnnotations())
            .orElse(Map.of());
    String source = marks.get(SOURCE_ANNOTATION);
    if (source == null) {
      return defaultSource.get();
    }
    String revision = marks.get(REVISION_ANNOTATION);
    return "PolicySource " + source + (revision == null ? "" : " " + revision);
  }
}
