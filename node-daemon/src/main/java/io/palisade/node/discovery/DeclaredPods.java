package io.palisade.node.discovery;

import io.palisade.node.bpf.Libc;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.policy.identity.CidrPrefix;
import java.util.Map;
import java.util.Set;

/**
 * The pods a file-mode daemon is told are its own: a pod given with its veth ({@code --veth}) is
 * behind that veth while it exists, a pod given alone ({@code --pod}) is found by {@link
 * EndpointDiscovery}; either is pending when its interface is not there. Every other pod of the
 * cluster file runs elsewhere.
 */
public final class DeclaredPods implements InterfaceFinder {

  private final Map<String, String> veths;
  private final Set<String> discovered;
  private final InterfaceFinder discovery;

  public DeclaredPods(
      Map<String, String> veths, Set<String> discovered, InterfaceFinder discovery) {
    this.veths = Map.copyOf(veths);
    this.discovered = Set.copyOf(discovered);
    this.discovery = discovery;
  }

  @Override
  public Placement place(EndpointState endpoint, CidrPrefix address) {
    return fresh().place(endpoint, address);
  }

  @Override
  public InterfaceFinder fresh() {
    InterfaceFinder now = discovery.fresh();
    return (endpoint, address) -> {
      String veth = veths.get(endpoint.id());
      if (veth != null) {
        return Libc.ifIndexOf(veth).isPresent()
            ? new Placement.Here(veth)
            : new Placement.Pending("--veth names " + veth + ", which is not here");
      }
      return discovered.contains(endpoint.id())
          ? now.place(endpoint, address)
          : new Placement.Elsewhere();
    };
  }
}
