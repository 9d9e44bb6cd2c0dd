package io.palisade.benchmarks.scale;

import io.palisade.node.datapath.DatapathState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Simulated daemons in this JVM, one stream and one channel (connection) each. */
final class DaemonFleet implements Fleet {

  private final Map<String, FleetMember> daemons = new LinkedHashMap<>();
  private final DaemonStats stats = new DaemonStats();

  /**
   * Makes a daemon for each of {@code nodes}, to stream from the operator at {@code target}
   * (host:port) once {@link #start}ed: the node daemon's own client, or with {@code ackOnly} an
   * {@link AckingDaemon}.
   */
  DaemonFleet(String target, List<String> nodes, boolean keepStates, boolean ackOnly) {
    for (String node : nodes) {
      daemons.put(
          node,
          ackOnly
              ? new AckingDaemon(node, target, stats)
              : new SimulatedDaemon(node, target, keepStates, stats));
    }
  }

  @Override
  public void start() {
    daemons.values().forEach(FleetMember::start);
  }

  @Override
  public Map<String, Applied> applied() {
    Map<String, Applied> out = new LinkedHashMap<>();
    daemons.forEach((node, d) -> out.put(node, d.applied()));
    return out;
  }

  /** The state each daemon last applied (only when they keep it). */
  Map<String, Optional<DatapathState>> states() {
    Map<String, Optional<DatapathState>> out = new LinkedHashMap<>();
    daemons.forEach(
        (node, d) -> out.put(node, d instanceof SimulatedDaemon s ? s.state() : Optional.empty()));
    return out;
  }

  @Override
  public Traffic traffic() {
    return stats.drain();
  }

  @Override
  public void close() {
    daemons.values().parallelStream().forEach(FleetMember::close);
  }
}
