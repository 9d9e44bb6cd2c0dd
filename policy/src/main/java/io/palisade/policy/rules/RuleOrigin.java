package io.palisade.policy.rules;

/**
 * Where a rule came from: the policy object and which of its rules ({@code spec}, {@code
 * specs[i]}).
 */
public record RuleOrigin(String kind, String namespace, String name, String rulePath) {

  /** {@code namespace/name}, or just the name for cluster-scoped policies. */
  public String qualifiedName() {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  @Override
  public String toString() {
    return kind + " " + qualifiedName() + " " + rulePath;
  }
}
