package io.palisade.pipeline.model;

import java.util.Map;
import java.util.Set;

/**
 * What changed in the desired state since the last publish: ipcache entries set and removed, and
 * the whole new local state of each node whose local state changed ({@link LocalState#EMPTY} when
 * nothing runs there any more). A {@code complete} change names every node and prefix that exists,
 * so whatever it leaves out is gone.
 */
public record NodeChanges(
    boolean complete,
    Map<String, Long> ipcacheUpserts,
    Set<String> ipcacheDeletes,
    Map<String, LocalState> nodes) {

  public NodeChanges {
    ipcacheUpserts = Map.copyOf(ipcacheUpserts);
    ipcacheDeletes = Set.copyOf(ipcacheDeletes);
    nodes = Map.copyOf(nodes);
  }

  /** The whole of {@code state}, replacing whatever was published before. */
  public static NodeChanges of(DesiredState state) {
    return new NodeChanges(true, state.ipcache(), Set.of(), state.nodes());
  }
}
