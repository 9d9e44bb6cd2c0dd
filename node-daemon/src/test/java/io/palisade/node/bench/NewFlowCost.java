package io.palisade.node.bench;

import io.palisade.node.bpf.BpfObject;
import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.bpf.RingBuffer;
import io.palisade.node.datapath.MapNames;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Packets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a new flow's time goes: the datapath's source compiled with {@code -DPAL_BENCH} (which adds
 * {@code palisade_bench_new_flow}, a program that turns the one packet BPF_PROG_TEST_RUN repeats
 * into a new flow every run) and with each part of the new-flow path left out in turn, every
 * variant run over the maps the verdict benchmark filled. The runs of all variants are interleaved
 * so that a busy machine slows each alike. Each run of the full path must produce its new-flow
 * event, which proves conntrack did not answer.
 */
final class NewFlowCost {

  /** The knobs of {@code palisade.bpf.c}, as {@code PAL_SKIP_*}. */
  static final Map<String, Integer> VARIANTS = new LinkedHashMap<>();

  static {
    VARIANTS.put("full new-flow path", 0);
    VARIANTS.put("without the event", 0x01);
    VARIANTS.put("without the conntrack insert", 0x02);
    VARIANTS.put("without the conntrack lookups", 0x04);
    VARIANTS.put("without the ipcache lookup", 0x08);
    VARIANTS.put("without the policy lookups", 0x10);
    VARIANTS.put("rewrite only (the benchmark program's own cost)", 0x20);
  }

  static final int REPEAT = 2000;
  static final int ROUNDS = 9;

  /**
   * Below this many addresses the random tuples are too few: a full conntrack holds a tenth of them
   * at 10 addresses, so a run is often a conntrack hit and the figure not a new flow's.
   */
  static final int MIN_ENTRIES = 1_000;

  private NewFlowCost() {}

  /** The compiled variants, one object file each, made once per run. */
  static Map<String, Path> compile(Path dir) {
    Path source =
        Path.of(System.getProperty("bench.bpf.source", "../bpf/src/main/c/palisade.bpf.c"));
    if (!Files.isRegularFile(source)) {
      throw new IllegalStateException(
          "the datapath source is not at " + source.toAbsolutePath() + " (-Dbench.bpf.source)");
    }
    String multiarch =
        System.getProperty("os.arch").equals("aarch64") ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
    Map<String, Path> out = new LinkedHashMap<>();
    for (var v : VARIANTS.entrySet()) {
      Path obj = dir.resolve("variant-" + v.getValue() + ".bpf.o");
      run(
          List.of(
              "clang",
              "-O2",
              "-g",
              "-Wall",
              "-Werror",
              "-target",
              "bpf",
              "-I/usr/include/" + multiarch,
              "-I" + source.toAbsolutePath().getParent(),
              "-DPAL_BENCH",
              "-DPAL_BENCH_SKIP=" + v.getValue(),
              "-c",
              source.toString(),
              "-o",
              obj.toString()));
      out.put(v.getKey(), obj);
    }
    return out;
  }

  private static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).inheritIO().start();
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("failed: " + String.join(" ", command));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Median ns per new flow of each variant over the maps pinned at {@code pins}, which hold {@code
   * n} benchmark addresses, their identities and one allowed port each. Conntrack is filled first
   * (the LRU then evicts its oldest entry for every insert, the worst case).
   */
  static Map<String, Long> measure(NetNs ns, Path pins, Map<String, Path> objects, int n) {
    byte[] frame = Packets.frame(new byte[] {11, 0, 0, 1}, VerdictBenchmark.POD, 6, 1024, 1000);
    ByteBuffer.wrap(frame).putInt(14 + 20 + 20, n);
    List<BpfObject> loaded = new ArrayList<>();
    try {
      Map<String, Integer> programs = new LinkedHashMap<>();
      for (var o : objects.entrySet()) {
        BpfObject obj = ns.call(() -> BpfObject.load(o.getValue(), pins, MapNames.ALL));
        loaded.add(obj);
        programs.put(o.getKey(), obj.programFd("palisade_bench_new_flow"));
      }
      int full = programs.values().iterator().next();
      int[] events = {0};
      try (RingBuffer ring =
          new RingBuffer(loaded.get(0).map(MapNames.EVENTS, 0, 0, false).fd(), e -> events[0]++)) {
        ProgTestRun.run(full, frame, 70_000); // fills conntrack (65,536 entries)
        drain(ring);
        Map<String, long[]> rounds = new LinkedHashMap<>();
        programs.keySet().forEach(k -> rounds.put(k, new long[ROUNDS]));
        for (int r = 0; r < ROUNDS; r++) {
          for (var p : programs.entrySet()) {
            events[0] = 0;
            ProgTestRun.Result res = ProgTestRun.run(p.getValue(), frame, REPEAT);
            drain(ring);
            if (res.retval() != Packets.TC_ACT_OK) {
              throw new IllegalStateException(p.getKey() + ": a new flow was dropped at n=" + n);
            }
            boolean eventful = (VARIANTS.get(p.getKey()) & 0x21) == 0;
            // A few random tuples repeat one still tracked; far fewer than 90% events means
            // conntrack answered and the figure is not a new flow's.
            if (eventful && events[0] < REPEAT * 9 / 10 && n >= MIN_ENTRIES) {
              throw new IllegalStateException(
                  p.getKey() + ": " + events[0] + " new-flow events for " + REPEAT + " runs");
            }
            rounds.get(p.getKey())[r] = res.durationNanos();
          }
        }
        Map<String, Long> medians = new LinkedHashMap<>();
        rounds.forEach(
            (k, v) -> {
              Arrays.sort(v);
              medians.put(k, v[ROUNDS / 2]);
            });
        return medians;
      }
    } finally {
      loaded.forEach(BpfObject::close);
    }
  }

  private static void drain(RingBuffer ring) {
    while (ring.poll(0) > 0) {
      // consume everything the round wrote, so the next round's events find room
    }
  }
}
