package io.palisade.node.datapath;

import io.palisade.node.maps.BackendValue;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ids of {@code pal_backends}: one per backend address and port while it is wanted, never given
 * to another backend while this daemon runs. A flow's remembered backend id is checked against the
 * backend's address and port in the datapath, so an id a restarted daemon hands out again cannot
 * send an old flow elsewhere. Not thread-safe: the datapath's lock guards it.
 */
final class BackendIds {

  private final Map<BackendValue, Integer> ids = new HashMap<>();
  private int next = 1;

  /** Starts from the backends the pinned map holds, so a restarted daemon keeps their ids. */
  BackendIds(Map<Integer, BackendValue> held) {
    held.forEach(
        (id, backend) -> {
          ids.put(backend, id);
          next = Math.max(next, id + 1);
        });
  }

  /** The id of {@code backend}, a new one when it has none. */
  int idOf(BackendValue backend) {
    return ids.computeIfAbsent(backend, b -> next++);
  }

  /** Forgets the ids of the backends no longer wanted. */
  void retain(Set<BackendValue> wanted) {
    ids.keySet().retainAll(wanted);
  }
}
