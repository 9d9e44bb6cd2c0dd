package io.palisade.node.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.MapNames;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import java.util.Map;

/**
 * The datapath's meters: packets and bytes forwarded and dropped by the pod's direction and reason,
 * read from the per-CPU verdict counters when scraped; lost flow events; how full each state map
 * is; and how long each apply took. Every mode binds the same meters, so a dashboard reads file
 * mode, stream mode and standalone enforcement alike.
 */
public final class DatapathMeters {

  /** Scrapes read the kernel's counters at most this often (every meter reads one snapshot). */
  private static final long FRESH_NANOS = 200_000_000L;

  private static final Map<String, Integer> CAPACITY =
      Map.of(
          MapNames.IPCACHE, Layouts.IPCACHE_MAX,
          MapNames.IPCACHE_LPM, Layouts.IPCACHE_MAX,
          MapNames.ENDPOINTS, Layouts.ENDPOINTS_MAX,
          MapNames.POLICY, Layouts.POLICY_MAX,
          MapNames.POLICY_EXACT, Layouts.POLICY_MAX);

  private final Datapath datapath;
  private Map<Integer, long[]> counts = Map.of();
  private Map<Integer, long[]> audits = Map.of();
  private long readAt = System.nanoTime() - 2 * FRESH_NANOS;

  private DatapathMeters(Datapath datapath) {
    this.datapath = datapath;
  }

  /**
   * Registers the datapath's meters in {@code registry}. Micrometer holds the state object of a
   * function meter weakly, so the meters name the datapath (which the daemon holds while it runs)
   * and their functions hold the snapshot cache.
   */
  public static void bind(MeterRegistry registry, Datapath datapath) {
    DatapathMeters m = new DatapathMeters(datapath);
    for (Reason r : Reason.values()) {
      if (r == Reason.EVENTS_LOST) {
        continue;
      }
      if (r.isAudit()) {
        bindAudit(registry, datapath, m, r);
        continue;
      }
      String verdict = r.isDrop() ? "dropped" : "forwarded";
      for (int dir : new int[] {Layouts.DIR_INGRESS, Layouts.DIR_EGRESS}) {
        int key = dir * Layouts.COUNTER_SLOTS + r.slot();
        String direction = dir == Layouts.DIR_INGRESS ? "ingress" : "egress";
        FunctionCounter.builder("palisade." + verdict + ".packets", datapath, d -> m.count(key, 0))
            .description("Packets " + verdict + " by the datapath, by the pod's direction and why.")
            .tags("direction", direction, "reason", r.label())
            .register(registry);
        FunctionCounter.builder("palisade." + verdict + ".bytes", datapath, d -> m.count(key, 1))
            .description("Bytes " + verdict + " by the datapath, by the pod's direction and why.")
            .tags("direction", direction, "reason", r.label())
            .register(registry);
      }
    }
    FunctionCounter.builder(
            "palisade.flow.events.lost",
            datapath,
            d ->
                m.count(Reason.EVENTS_LOST.slot(), 0)
                    + m.count(Layouts.COUNTER_SLOTS + Reason.EVENTS_LOST.slot(), 0))
        .description("Verdict events lost to a full ring buffer.")
        .register(registry);
    CAPACITY.forEach(
        (map, capacity) -> {
          Gauge.builder("palisade.map.entries", datapath, d -> d.fill().getOrDefault(map, 0))
              .description("Entries in each state map.")
              .tag("map", map)
              .register(registry);
          Gauge.builder("palisade.map.capacity", () -> capacity)
              .description("Maximum entries of each state map.")
              .tag("map", map)
              .register(registry);
        });
    for (String map : MapNames.STATE) {
      FunctionCounter.builder(
              "palisade.datapath.repaired.entries",
              datapath,
              d -> d.repairedEntries().getOrDefault(map, 0L))
          .description("Map entries rewritten because they differed from the desired state.")
          .tag("map", map)
          .register(registry);
    }
    Timer apply =
        Timer.builder("palisade.datapath.apply")
            .description("Writing one desired state into the maps, by difference.")
            .publishPercentileHistogram()
            .register(registry);
    datapath.onApply(r -> apply.record(r.took()));
  }

  /**
   * {@code palisade_audit_packets_total} and {@code _bytes_total}: what passed only because the
   * policies that would drop it are in audit mode, by the pod's direction and reason.
   */
  private static void bindAudit(
      MeterRegistry registry, Datapath datapath, DatapathMeters m, Reason r) {
    for (int dir : new int[] {Layouts.DIR_INGRESS, Layouts.DIR_EGRESS}) {
      int key = r.auditCounter(dir);
      String direction = dir == Layouts.DIR_INGRESS ? "ingress" : "egress";
      FunctionCounter.builder("palisade.audit.packets", datapath, d -> m.audit(key, 0))
          .description(
              "Packets forwarded that audit-mode policies would drop, by direction and why.")
          .tags("direction", direction, "reason", r.label())
          .register(registry);
      FunctionCounter.builder("palisade.audit.bytes", datapath, d -> m.audit(key, 1))
          .description("Bytes forwarded that audit-mode policies would drop, by direction and why.")
          .tags("direction", direction, "reason", r.label())
          .register(registry);
    }
  }

  private synchronized double audit(int key, int field) {
    count(0, 0); // refreshes both snapshots together
    long[] v = audits.get(key);
    return v == null ? 0 : v[field];
  }

  private synchronized double count(int key, int field) {
    long now = System.nanoTime();
    if (now - readAt > FRESH_NANOS) {
      counts = datapath.verdictCounters();
      audits = datapath.auditCounters();
      readAt = now;
    }
    long[] v = counts.get(key);
    return v == null ? 0 : v[field];
  }
}
