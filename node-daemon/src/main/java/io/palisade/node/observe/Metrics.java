package io.palisade.node.observe;

import io.palisade.node.datapath.MapNames;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus text exposition of the datapath: packets and bytes forwarded and dropped by reason
 * (summed over the per-CPU counters), lost flow events, how full each state map is, and how many
 * entries of each were repaired after another writer changed them.
 */
public final class Metrics {

  private static final Map<String, Integer> CAPACITY =
      Map.of(
          MapNames.IPCACHE, Layouts.IPCACHE_MAX,
          MapNames.IPCACHE_LPM, Layouts.IPCACHE_MAX,
          MapNames.ENDPOINTS, Layouts.ENDPOINTS_MAX,
          MapNames.POLICY, Layouts.POLICY_MAX,
          MapNames.POLICY_EXACT, Layouts.POLICY_MAX);

  private Metrics() {}

  /**
   * @param counters slot to {packets, bytes}, as {@code Datapath.counters()} gives them
   * @param fill map name to entries, as {@code Datapath.fill()} gives them
   * @param repaired map name to entries repaired, as {@code Datapath.repairedEntries()} gives them
   */
  public static String render(
      Map<Integer, long[]> counters, Map<String, Integer> fill, Map<String, Long> repaired) {
    StringBuilder sb = new StringBuilder();
    family(sb, "palisade_forwarded_packets_total", "Packets forwarded, by reason.");
    for (Reason r : Reason.values()) {
      if (!r.isDrop() && r != Reason.EVENTS_LOST) {
        sample(sb, "palisade_forwarded_packets_total", "reason", r.label(), get(counters, r, 0));
      }
    }
    family(sb, "palisade_forwarded_bytes_total", "Bytes forwarded, by reason.");
    for (Reason r : Reason.values()) {
      if (!r.isDrop() && r != Reason.EVENTS_LOST) {
        sample(sb, "palisade_forwarded_bytes_total", "reason", r.label(), get(counters, r, 1));
      }
    }
    family(sb, "palisade_dropped_packets_total", "Packets dropped, by reason.");
    for (Reason r : Reason.values()) {
      if (r.isDrop()) {
        sample(sb, "palisade_dropped_packets_total", "reason", r.label(), get(counters, r, 0));
      }
    }
    family(sb, "palisade_flow_events_lost_total", "Verdict events lost to a full ring buffer.");
    sb.append("palisade_flow_events_lost_total ")
        .append(get(counters, Reason.EVENTS_LOST, 0))
        .append('\n');
    sb.append("# HELP palisade_map_entries Entries in each state map.\n");
    sb.append("# TYPE palisade_map_entries gauge\n");
    for (Map.Entry<String, Integer> e : new TreeMap<>(fill).entrySet()) {
      sample(sb, "palisade_map_entries", "map", e.getKey(), e.getValue());
    }
    sb.append("# HELP palisade_map_capacity Maximum entries of each state map.\n");
    sb.append("# TYPE palisade_map_capacity gauge\n");
    for (Map.Entry<String, Integer> e : new TreeMap<>(CAPACITY).entrySet()) {
      sample(sb, "palisade_map_capacity", "map", e.getKey(), e.getValue());
    }
    family(
        sb,
        "palisade_datapath_repaired_entries_total",
        "Map entries rewritten because they differed from the desired state, by map.");
    for (Map.Entry<String, Long> e : new TreeMap<>(repaired).entrySet()) {
      sample(sb, "palisade_datapath_repaired_entries_total", "map", e.getKey(), e.getValue());
    }
    return sb.toString();
  }

  private static long get(Map<Integer, long[]> counters, Reason r, int i) {
    long[] v = counters.get(r.slot());
    return v == null ? 0 : v[i];
  }

  private static void family(StringBuilder sb, String name, String help) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
  }

  private static void sample(StringBuilder sb, String name, String label, String value, long n) {
    sb.append(name)
        .append('{')
        .append(label)
        .append("=\"")
        .append(value)
        .append("\"} ")
        .append(n)
        .append('\n');
  }
}
