package io.palisade.proxy.kafka;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;

/**
 * Topic ids the proxy has seen in the metadata it let through, with their names: Produce v13+,
 * Fetch v13+ and OffsetCommit v10+ name topics by id, and a rule names them by name. An id the
 * proxy has not seen resolves to nothing and its request is refused. Thread-safe: connections on
 * every event loop share one.
 */
public final class TopicNames {

  private final Map<Uuid, String> byId = new ConcurrentHashMap<>();

  void learn(Uuid id, String name) {
    if (id != null && !Uuid.ZERO_UUID.equals(id) && name != null) {
      byId.put(id, name);
    }
  }

  Optional<String> name(Uuid id) {
    return Optional.ofNullable(id == null ? null : byId.get(id));
  }
}
