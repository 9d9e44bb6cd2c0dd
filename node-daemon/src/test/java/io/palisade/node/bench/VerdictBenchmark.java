package io.palisade.node.bench;

import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathShapes;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.LocalEndpoint;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.EndpointPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Per-packet verdict cost of the datapath by BPF_PROG_TEST_RUN at 10, 1k, 100k and 1M ipcache and
 * policy entries with random keys, beside iptables-legacy with 10, 1k and 10k linear rules measured
 * in the same run. Everything happens inside a namespace it makes and removes. Not part of {@code
 * mvn verify}: run with {@code ./mvnw -pl node-daemon -am -Pbench verify}.
 */
public final class VerdictBenchmark {

  static final long SUBJECT = 1000;
  static final byte[] POD = {10, 1, 0, 1};

  public static void main(String[] args) throws Exception {
    if (!Privileges.isRoot()) {
      System.err.println("the benchmark needs root");
      System.exit(2);
    }
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-bench-" + run);
    StringBuilder table = new StringBuilder();
    try (BpfFsGuard guard = new BpfFsGuard();
        NetNs ns = NetNs.create("pal-" + run + "-bench")) {
      Datapath dp = ns.call(() -> Datapath.open(pins));
      Path variantDir = Files.createTempDirectory("palisade-bench-variants");
      try {
        Map<NewFlowCost.Variant, Path> variants = NewFlowCost.compile(variantDir);
        Map<Integer, Map<NewFlowCost.Variant, Long>> costs = new LinkedHashMap<>();
        StringBuilder shapes = new StringBuilder();
        table.append(
            "| entries | apply (ms) | new flow, random key, 1 run each: median / mean ns"
                + " | same, drop path with no lookup hit, 1 run each (floor)"
                + " | established, random flows of 4000, 1 run each: median | established"
                + " (conntrack hit), repeated ns | no-match drop, repeated ns |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (int n : sizes("bench.entries", new int[] {10, 1_000, 100_000, 1_000_000})) {
          table.append(measureBpf(ns, dp, n)).append('\n');
          if (n >= NewFlowCost.MIN_ENTRIES) {
            Path sizedPins = Path.of(pins + "-sized");
            DatapathState desired = state(n);
            Datapath sized =
                ns.call(() -> Datapath.open(sizedPins, DatapathShapes.forState(desired)));
            try {
              ns.call(() -> sized.apply(desired));
              shapes.append(n).append(" entries: ").append(sized.shapes()).append('\n');
              costs.put(n, NewFlowCost.measure(ns, pins, sizedPins, variants, n));
            } finally {
              sized.close();
              Datapath.unpinAll(sizedPins);
            }
          }
        }
        table.append(newFlowTable(costs)).append("\nMaps sized to the state:\n").append(shapes);
      } finally {
        try (var files = Files.list(variantDir)) {
          for (Path f : files.toList()) {
            Files.delete(f);
          }
        }
        Files.delete(variantDir);
        dp.close();
        Datapath.unpinAll(pins);
      }
    }
    // A namespace of its own: the one above has the datapath on its loopback.
    try (NetNs ns = NetNs.create("pal-" + run + "-ipt")) {
      table.append(
          "\n| iptables-legacy rules | ns per packet (over an empty table) |\n|---|---|\n");
      for (int n : sizes("bench.rules", new int[] {10, 1_000, 10_000})) {
        table.append("| ").append(n).append(" | ").append(IptablesBaseline.measure(ns, n));
        table.append(" |\n");
      }
    }
    System.out.println(table);
  }

  /** One row per variant, one column per size, and each size's figure over the first variant. */
  static String newFlowTable(Map<Integer, Map<NewFlowCost.Variant, Long>> costs) {
    if (costs.isEmpty()) {
      return "";
    }
    StringBuilder t =
        new StringBuilder("\nNew flow, repeated (")
            .append(NewFlowCost.REPEAT)
            .append(" new flows per run, median of ")
            .append(NewFlowCost.ROUNDS)
            .append(" interleaved runs; conntrack full), ns per packet and its ratio to the")
            .append(" first row:\n\n| variant |");
    costs.keySet().forEach(n -> t.append(' ').append(n).append(" entries |"));
    t.append("\n|---").append("|---".repeat(costs.size())).append("|\n");
    for (NewFlowCost.Variant v : costs.values().iterator().next().keySet()) {
      t.append("| ").append(v.label()).append(" |");
      costs.forEach(
          (n, row) -> {
            long first = row.values().iterator().next();
            t.append(' ')
                .append(row.get(v))
                .append(String.format(" (%.2f)", row.get(v) / (double) first))
                .append(" |");
          });
      t.append('\n');
    }
    return t.toString();
  }

  /** Sizes from a system property (comma-separated), for shorter runs. */
  static int[] sizes(String property, int[] defaults) {
    String v = System.getProperty(property);
    if (v == null || v.isBlank()) {
      return defaults;
    }
    return Arrays.stream(v.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
  }

  static byte[] address(int i) {
    int a = 0x0B000000 + i * 7 + 1; // 11.0.0.0/8, spread
    return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
  }

  /** n addresses with an identity each, and the pod's ingress allowing one port from each. */
  static DatapathState state(int n) {
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    MapState ms = new MapState();
    for (int i = 0; i < n; i++) {
      long id = 100_000L + i;
      ipcache.put(CidrPrefix.host(address(i)), id);
      ms.insert(
          new MapStateKey(Direction.INGRESS, id, 6, 1000 + (i % 50_000), 16), MapStateEntry.ALLOW);
    }
    return new DatapathState(
        ipcache,
        List.of(new LocalEndpoint(CidrPrefix.host(POD), SUBJECT, "lo")),
        Map.of(
            SUBJECT,
            IdentityPolicy.of(new EndpointPolicy(SUBJECT, EnumSet.allOf(Direction.class), ms))));
  }

  static String measureBpf(NetNs ns, Datapath dp, int n) {
    DatapathState desired = state(n);
    long t0 = System.nanoTime();
    ApplyResult applied = ns.call(() -> dp.apply(desired));
    long applyMs = (System.nanoTime() - t0) / 1_000_000;

    Random rnd = new Random(n);
    int prog = dp.toPodProgram();
    int samples = 4000;
    long[] fresh = new long[samples];
    byte[][] frames = new byte[samples][];
    int sport = 1;
    for (int s = 0; s < samples; s++) {
      int i = rnd.nextInt(n);
      byte[] f = Packets.frame(address(i), POD, 6, 1 + (sport++ % 60000), 1000 + (i % 50_000));
      frames[s] = f;
      ProgTestRun.Result r = ProgTestRun.run(prog, f, 1);
      if (r.retval() != Packets.TC_ACT_OK) {
        throw new IllegalStateException("an allowed packet was dropped at n=" + n);
      }
      fresh[s] = r.durationNanos();
    }
    // The same flows again, in the same random order: now each is a conntrack hit.
    long[] again = new long[samples];
    for (int s = 0; s < samples; s++) {
      again[s] = ProgTestRun.run(prog, frames[s], 1).durationNanos();
    }
    Arrays.sort(again);
    Arrays.sort(fresh);
    double mean = Arrays.stream(fresh).average().orElse(0);
    int i = rnd.nextInt(n);
    byte[] est = Packets.frame(address(i), POD, 6, 65000, 1000 + (i % 50_000));
    ProgTestRun.run(prog, est, 1);
    int established = ProgTestRun.run(prog, est, 200_000).durationNanos();
    byte[] world = Packets.frame(new byte[] {8, 8, 8, 8}, POD, 6, 4000, 80);
    long[] floor = new long[samples];
    for (int s = 0; s < samples; s++) {
      floor[s] = ProgTestRun.run(prog, world, 1).durationNanos();
    }
    Arrays.sort(floor);
    ProgTestRun.Result drop = ProgTestRun.run(prog, world, 200_000);
    if (drop.retval() != Packets.TC_ACT_SHOT) {
      throw new IllegalStateException("a packet from the world passed");
    }
    return "| "
        + n
        + " | "
        + applyMs
        + " ("
        + applied.totalWrites()
        + " writes) | "
        + fresh[samples / 2]
        + " / "
        + Math.round(mean)
        + " | "
        + floor[samples / 2]
        + " | "
        + again[samples / 2]
        + " | "
        + established
        + " | "
        + drop.durationNanos()
        + " |";
  }
}
