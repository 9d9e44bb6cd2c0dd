package io.palisade.benchmarks.scale;

/**
 * How big a scale run is. {@link #cilium()} is the shape of Cilium's 1,000-node CI scale test
 * (cilium/cilium#40227): 1,000 nodes, 6,000 identities, 30,000 pods and 30,000 policies.
 *
 * @param identities deployments, each one security-label set; its replicas share the identity
 * @param policies CiliumNetworkPolicies, spread evenly over the deployments they select
 */
public record ScaleShape(
    int nodes, int namespaces, int identities, int pods, int policies, long seed) {

  public static final long SEED = 20_261_201L;

  public ScaleShape {
    if (nodes <= 0 || namespaces <= 0 || identities < namespaces || pods < identities) {
      throw new IllegalArgumentException("not a cluster shape: " + nodes + " nodes, " + pods);
    }
    if (pods % identities != 0) {
      throw new IllegalArgumentException("every deployment has as many replicas: " + pods);
    }
  }

  public static ScaleShape cilium() {
    return new ScaleShape(1_000, 100, 6_000, 30_000, 30_000, SEED);
  }

  /** Small enough for the test build, large enough that every policy kind occurs. */
  public static ScaleShape toy() {
    return new ScaleShape(20, 5, 50, 200, 200, SEED);
  }

  public int replicas() {
    return pods / identities;
  }

  public static String nodeName(int index) {
    return String.format("node-%04d", index);
  }

  @Override
  public String toString() {
    return String.format(
        "%,d nodes, %,d namespaces, %,d identities, %,d pods, %,d policies (seed %d)",
        nodes, namespaces, identities, pods, policies, seed);
  }
}
