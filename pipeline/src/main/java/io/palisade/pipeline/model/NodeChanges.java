package io.palisade.pipeline.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed in the desired state since the last publish: ipcache entries and Service frontends
 * every node shares set and removed, and the whole new local state of each node whose local state
 * changed ({@link LocalState#EMPTY} when nothing runs there any more). A {@code complete} change
 * names every node, prefix and frontend that exists, so whatever it leaves out is gone.
 */
public record NodeChanges(
    boolean complete,
    Map<String, Long> ipcacheUpserts,
    Set<String> ipcacheDeletes,
    Map<String, LocalState> nodes,
    Map<ServiceFrontend, List<ServiceBackend>> serviceUpserts,
    Set<ServiceFrontend> serviceDeletes) {

  public NodeChanges {
    ipcacheUpserts = Map.copyOf(ipcacheUpserts);
    ipcacheDeletes = Set.copyOf(ipcacheDeletes);
    nodes = Map.copyOf(nodes);
    serviceUpserts = Map.copyOf(serviceUpserts);
    serviceDeletes = Set.copyOf(serviceDeletes);
  }

  /** Changes that touch no Service frontend every node shares. */
  public NodeChanges(
      boolean complete,
      Map<String, Long> ipcacheUpserts,
      Set<String> ipcacheDeletes,
      Map<String, LocalState> nodes) {
    this(complete, ipcacheUpserts, ipcacheDeletes, nodes, Map.of(), Set.of());
  }

  /** The whole of {@code state}, replacing whatever was published before. */
  public static NodeChanges of(DesiredState state) {
    return new NodeChanges(
        true, state.ipcache(), Set.of(), state.nodes(), state.services(), Set.of());
  }
}
