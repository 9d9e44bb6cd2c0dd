package io.palisade.node.datapath;

import io.palisade.node.maps.BackendValue;
import io.palisade.node.maps.ServiceKey;
import io.palisade.node.maps.ServiceValue;
import java.util.HashMap;
import java.util.Map;

/**
 * The ids of {@code pal_backends}: one per backend of each frontend (a backend two Services share
 * has an id in each), never given to another while this daemon runs. A flow remembers its backend's
 * id, and a packet keeps that backend only while the id is in {@code pal_backends}: with one id per
 * backend address, a backend leaving one Service but still serving another would keep the first
 * Service's flows. The datapath also checks the id against the backend's address and port, so an id
 * a restarted daemon hands out again cannot send an old flow elsewhere. Not thread-safe: the
 * datapath's lock guards it.
 */
final class BackendIds {

  /** A backend as one frontend's: the frontend's slot-0 key and the backend's address and port. */
  private record Member(ServiceKey frontend, BackendValue backend) {}

  private final Map<Member, Integer> ids = new HashMap<>();
  private int next = 1;

  /**
   * Starts from the frontends' slots and the backends the pinned maps hold, so a restarted daemon
   * keeps the ids its flows remember.
   */
  BackendIds(Map<ServiceKey, ServiceValue> services, Map<Integer, BackendValue> backends) {
    backends.keySet().forEach(id -> next = Math.max(next, id + 1));
    members(services, backends).forEach(ids::put);
  }

  /** The id of {@code backend} as a backend of {@code frontend}, a new one when it has none. */
  int idOf(ServiceKey frontend, BackendValue backend) {
    return ids.computeIfAbsent(new Member(frontend.frontend(), backend), m -> next++);
  }

  /** Forgets the ids that no slot of {@code services} names any more. */
  void retain(Map<ServiceKey, ServiceValue> services, Map<Integer, BackendValue> backends) {
    ids.keySet().retainAll(members(services, backends).keySet());
  }

  private static Map<Member, Integer> members(
      Map<ServiceKey, ServiceValue> services, Map<Integer, BackendValue> backends) {
    Map<Member, Integer> out = new HashMap<>();
    services.forEach(
        (key, value) -> {
          BackendValue backend = key.slot() == 0 ? null : backends.get(value.backendId());
          if (backend != null) {
            out.put(new Member(key.frontend(), backend), value.backendId());
          }
        });
    return out;
  }
}
