package io.palisade.gitops;

/**
 * One policy object as the inventory names it; {@code namespace} is empty for cluster-scoped kinds.
 * {@link #id()} is Flux's inventory id {@code <namespace>_<name>_<group>_<kind>}.
 */
public record ObjectRef(String group, String kind, String namespace, String name) {

  /** Kinds whose objects act on the whole cluster; pruning one needs an explicit allowance. */
  public static final java.util.Set<String> CLUSTERWIDE_KINDS =
      io.palisade.pipeline.RemovalBudget.CLUSTERWIDE_KINDS;

  public ObjectRef {
    namespace = namespace == null ? "" : namespace;
  }

  public String id() {
    return namespace + "_" + name + "_" + group + "_" + kind;
  }

  public boolean clusterwide() {
    return CLUSTERWIDE_KINDS.contains(kind);
  }

  @Override
  public String toString() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
