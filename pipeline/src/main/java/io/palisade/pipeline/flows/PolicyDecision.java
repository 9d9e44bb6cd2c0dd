package io.palisade.pipeline.flows;

/**
 * The policy rule that decided one side of a flow: the policy ({@code kind}, {@code namespace},
 * {@code name}; the namespace empty for a clusterwide one), the rule's path in it ({@code
 * spec.ingress[0]}, or the rule itself, {@code spec}, for a default deny) and where the policy came
 * from ({@code kubectl}, {@code files}, or {@code PolicySource ns/name <ref>@sha1:<sha>}).
 */
public record PolicyDecision(
    String kind, String namespace, String name, String rule, String source) {

  /** {@code Kind namespace/name rule}, as a log line names it. */
  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name) + " " + rule;
  }
}
