package io.palisade.pipeline.flows;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The filters of {@code palisade observe} and {@code /api/flows}, all of which a flow must pass:
 * {@code pod} ({@code namespace/name} or a name, either end), {@code namespace} (either end),
 * {@code identity} (either end), {@code verdict}, {@code policy} ({@code namespace/name} or a name,
 * the deciding or default-denying policy), {@code port} (either end), {@code node} (the node that
 * saw it, for flows relayed through the operator) and {@code since} (an instant or a duration back
 * from now, such as {@code 5m}).
 */
public record FlowFilter(
    Optional<String> pod,
    Optional<String> namespace,
    Optional<Long> identity,
    Optional<String> verdict,
    Optional<String> policy,
    Optional<Integer> port,
    Optional<String> node,
    Optional<Instant> since) {

  public static final FlowFilter ALL =
      new FlowFilter(
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  /** The parameters a request may give; any other is refused, so a typo never widens the view. */
  public static final Set<String> PARAMETERS =
      Set.of(
          "pod", "namespace", "identity", "verdict", "policy", "port", "node", "since", "follow");

  private static final Set<String> VERDICTS =
      Set.of("allowed", "redirected", "dropped", "denied", "audit");

  public boolean matches(Flow f) {
    return pod.map(p -> isPod(f.source(), p) || isPod(f.destination(), p)).orElse(true)
        && namespace
            .map(
                n ->
                    n.equals(f.source().namespace().orElse(null))
                        || n.equals(f.destination().namespace().orElse(null)))
            .orElse(true)
        && identity
            .map(i -> i == f.source().identity() || i == f.destination().identity())
            .orElse(true)
        && verdict.map(v -> v.equals(f.verdict())).orElse(true)
        && policy.map(p -> namesPolicy(f, p)).orElse(true)
        && port.map(p -> p == f.source().port() || p == f.destination().port()).orElse(true)
        // A flow that names no node is no node's: a node filter never lets it through.
        && node.map(n -> f.node().equals(Optional.of(n))).orElse(true)
        && since.map(s -> !f.time().isBefore(s)).orElse(true);
  }

  private static boolean isPod(Flow.Endpoint e, String wanted) {
    return e.pod().isPresent()
        && (wanted.contains("/") ? e.display().equals(wanted) : e.pod().get().equals(wanted));
  }

  private static boolean namesPolicy(Flow f, String wanted) {
    List<io.palisade.pipeline.flows.PolicyDecision> all = new ArrayList<>(f.defaultDenyOf());
    f.policy().ifPresent(all::add);
    return all.stream()
        .anyMatch(
            d ->
                wanted.contains("/")
                    ? (d.namespace() + "/" + d.name()).equals(wanted)
                    : d.name().equals(wanted));
  }

  /**
   * The filter of query parameters (each given once); every bad one is named in the exception's
   * message at once, as {@code port: "x" is not a port number}.
   */
  public static FlowFilter parse(Map<String, String> params, Instant now) {
    List<String> problems = new ArrayList<>();
    params.keySet().stream()
        .filter(k -> !PARAMETERS.contains(k))
        .sorted()
        .forEach(k -> problems.add(k + ": unknown filter (known: " + known() + ")"));
    Optional<Long> identity = Optional.empty();
    if (params.containsKey("identity")) {
      try {
        identity = Optional.of(Long.parseUnsignedLong(params.get("identity")));
      } catch (NumberFormatException e) {
        problems.add("identity: \"" + params.get("identity") + "\" is not an identity number");
      }
    }
    Optional<Integer> port = Optional.empty();
    if (params.containsKey("port")) {
      try {
        int p = Integer.parseInt(params.get("port"));
        if (p < 0 || p > 65535) {
          throw new NumberFormatException();
        }
        port = Optional.of(p);
      } catch (NumberFormatException e) {
        problems.add("port: \"" + params.get("port") + "\" is not a port number (0-65535)");
      }
    }
    Optional<String> verdict = Optional.ofNullable(params.get("verdict"));
    if (verdict.isPresent() && !VERDICTS.contains(verdict.get())) {
      problems.add(
          "verdict: \""
              + verdict.get()
              + "\" is not one of "
              + VERDICTS.stream().sorted().toList());
    }
    Optional<Instant> since = Optional.empty();
    if (params.containsKey("since")) {
      since = since(params.get("since"), now);
      if (since.isEmpty()) {
        problems.add(
            "since: \""
                + params.get("since")
                + "\" is neither an instant (2026-12-03T18:00:00Z) nor a duration (30s, 5m, 1h)");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new FlowFilter(
        Optional.ofNullable(params.get("pod")),
        Optional.ofNullable(params.get("namespace")),
        identity,
        verdict,
        Optional.ofNullable(params.get("policy")),
        port,
        Optional.ofNullable(params.get("node")),
        since);
  }

  private static String known() {
    return String.join(", ", PARAMETERS.stream().sorted().toList());
  }

  private static Optional<Instant> since(String text, Instant now) {
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      // not an instant: a duration back from now
    }
    try {
      return Optional.of(now.minus(Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
