package io.palisade.cli.standalone;

import java.time.Duration;

/**
 * What each push took from the webhook call: to {@code /readyz} at the new revision, to the first
 * packet meeting the new verdict, and the stages in between as standalone mode's own lines time
 * them: the revision read (fetched, validated and reported as a new generation), then resolved into
 * MapState and written to the maps.
 */
final class PushLatencies {

  /** One push. */
  record Sample(Duration readyz, Duration packets, Duration resolved, Duration inMaps) {}

  private final Latencies readyz = new Latencies();
  private final Latencies packets = new Latencies();
  private final Latencies resolved = new Latencies();
  private final Latencies inMaps = new Latencies();

  void add(Sample s) {
    readyz.add(s.readyz());
    packets.add(s.packets());
    resolved.add(s.resolved());
    inMaps.add(s.inMaps());
  }

  /** One line, min/median/max of each. */
  String summary() {
    return "/readyz at the new revision "
        + readyz.summary()
        + ", first packet with the new verdict "
        + packets.summary()
        + " (min/median/max; stages: revision read "
        + resolved.summary()
        + ", written to the maps "
        + inMaps.summary()
        + ")";
  }
}
