package io.palisade.benchmarks.scale;

/** One simulated node of a {@link DaemonFleet}. */
interface FleetMember extends AutoCloseable {

  FleetMember start();

  Fleet.Applied applied();

  @Override
  void close();
}
