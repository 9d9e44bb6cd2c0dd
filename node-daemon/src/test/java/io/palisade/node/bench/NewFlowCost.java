package io.palisade.node.bench;

import io.palisade.node.bpf.BpfObject;
import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.bpf.RingBuffer;
import io.palisade.node.datapath.DatapathShapes;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where a new flow's time goes: the datapath's source compiled with {@code -DPAL_BENCH} (which adds
 * {@code palisade_bench_new_flow}, a program that turns the one packet BPF_PROG_TEST_RUN repeats
 * into a new flow every run) and with parts of the new-flow path left out, every variant run over
 * the maps the verdict benchmark filled as compiled into the object, as the daemons create them;
 * the full path also over maps sized to the state ({@code DatapathShapes}) and with a conntrack
 * that has room, and, with {@code -Dbench.bpf.baseline=FILE}, an earlier source over the compiled
 * maps. Floors (lookups only, no map work, an empty program) show what is left to win. The runs of
 * all variants are interleaved so that a busy machine slows each alike. Each run of a full path
 * must produce its new-flow event, which proves conntrack did not answer.
 */
final class NewFlowCost {

  /**
   * One program to time: its {@code PAL_SKIP_*} knobs, whether it runs over the maps sized to the
   * state, whether it is the baseline source, and whether it has a conntrack of its own that never
   * fills ({@link #REPEAT} times {@link #ROUNDS} inserts are a fraction of its 65,536 entries), so
   * that no insert evicts.
   */
  record Variant(String label, int knobs, boolean sized, boolean baseline, boolean roomy) {

    Variant(String label, int knobs, boolean sized) {
      this(label, knobs, sized, false, false);
    }

    /** Whether every run writes a new-flow event (the event and the whole path are not skipped). */
    boolean eventful() {
      return (knobs & 0x61) == 0;
    }

    String objectName() {
      return (baseline ? "baseline" : roomy ? "roomy" : "variant") + "-" + knobs + ".bpf.o";
    }
  }

  static final List<Variant> VARIANTS =
      List.of(
          new Variant("full new-flow path, maps as compiled", 0, false),
          new Variant("full new-flow path, maps sized to the state", 0, true),
          new Variant(
              "full new-flow path, maps as compiled, conntrack with room (no insert evicts)",
              0,
              false,
              false,
              true),
          new Variant("without the event", 0x01, false),
          new Variant("without the conntrack insert", 0x02, false),
          new Variant("without the conntrack lookup", 0x04, false),
          new Variant("without the ipcache lookup", 0x08, false),
          new Variant("without the policy lookups", 0x10, false),
          new Variant("floor: lookups only (no insert, no event)", 0x03, false),
          new Variant("floor: no map work (parse, counters, rewrite)", 0x1F, false),
          new Variant("floor: the benchmark's rewrite only", 0x20, false),
          new Variant("floor: empty program", 0x40, false));

  static final int REPEAT = 2000;
  static final int ROUNDS = 9;

  /**
   * Below this many addresses the random tuples are too few: a full conntrack holds a tenth of them
   * at 10 addresses, so a run is often a conntrack hit and the figure not a new flow's.
   */
  static final int MIN_ENTRIES = 1_000;

  private NewFlowCost() {}

  /** The variants of this run: {@link #VARIANTS}, after the baseline when one is given. */
  static List<Variant> variants() {
    List<Variant> out = new ArrayList<>();
    baselineSource()
        .ifPresent(
            b ->
                out.add(
                    new Variant(
                        "baseline " + b.getFileName() + ", maps as compiled",
                        0,
                        false,
                        true,
                        false)));
    out.addAll(VARIANTS);
    return out;
  }

  private static Optional<Path> baselineSource() {
    String b = System.getProperty("bench.bpf.baseline", "");
    if (b.isBlank()) {
      return Optional.empty();
    }
    Path p = Path.of(b);
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException(
          "-Dbench.bpf.baseline: " + p.toAbsolutePath() + " is not a file");
    }
    return Optional.of(p);
  }

  /** The compiled variants, one object file each, made once per run. */
  static Map<Variant, Path> compile(Path dir) {
    Path source =
        Path.of(System.getProperty("bench.bpf.source", "../bpf/src/main/c/palisade.bpf.c"));
    if (!Files.isRegularFile(source)) {
      throw new IllegalStateException(
          "the datapath source is not at " + source.toAbsolutePath() + " (-Dbench.bpf.source)");
    }
    Map<Variant, Path> out = new LinkedHashMap<>();
    for (Variant v : variants()) {
      Path obj = dir.resolve(v.objectName());
      Path src = v.baseline() ? baselineSource().orElseThrow() : source;
      // The baseline's own palisade.h when it has one beside it, else the current one.
      clang(
          src,
          List.of(src.toAbsolutePath().getParent(), source.toAbsolutePath().getParent()),
          v.knobs(),
          obj);
      out.put(v, obj);
    }
    return out;
  }

  private static void clang(Path source, List<Path> includes, int knobs, Path obj) {
    String multiarch =
        System.getProperty("os.arch").equals("aarch64") ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "clang",
                "-O2",
                "-g",
                "-Wall",
                "-Werror",
                "-target",
                "bpf",
                "-I/usr/include/" + multiarch));
    includes.forEach(i -> cmd.add("-I" + i));
    cmd.addAll(
        List.of(
            "-DPAL_BENCH",
            "-DPAL_BENCH_SKIP=" + knobs,
            "-c",
            source.toString(),
            "-o",
            obj.toString()));
    run(cmd);
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

  /** The maps a group of variants runs over, with the ring buffer that counts their events. */
  private record PinSet(RingBuffer ring, int[] events) {}

  /**
   * Median ns per new flow of each variant, over the maps pinned at {@code compiledPins} (as
   * compiled) and {@code sizedPins} (sized to the state), which hold the same {@code n} benchmark
   * addresses, their identities and one allowed port each. Each conntrack is filled first (the LRU
   * then evicts its oldest entry for every insert, the worst case).
   */
  static Map<Variant, Long> measure(
      NetNs ns, Path compiledPins, Path sizedPins, Map<Variant, Path> objects, int n) {
    byte[] frame = Packets.frame(new byte[] {11, 0, 0, 1}, VerdictBenchmark.POD, 6, 1024, 1000);
    ByteBuffer.wrap(frame).putInt(14 + 20 + 20, n);
    List<BpfObject> loaded = new ArrayList<>();
    Map<Boolean, PinSet> sets = new LinkedHashMap<>();
    try {
      Map<Variant, Integer> programs = new LinkedHashMap<>();
      for (var o : objects.entrySet()) {
        Path pins = o.getKey().sized() ? sizedPins : compiledPins;
        // Every state map is pinned already: each object takes the shapes it finds there.
        List<String> pinned =
            o.getKey().roomy()
                ? MapNames.ALL.stream().filter(m -> !m.equals(MapNames.CT)).toList()
                : MapNames.ALL;
        BpfObject obj =
            ns.call(() -> BpfObject.load(o.getValue(), pins, pinned, DatapathShapes.COMPILED));
        loaded.add(obj);
        int prog = obj.programFd("palisade_bench_new_flow");
        programs.put(o.getKey(), prog);
        if (!sets.containsKey(o.getKey().sized())) {
          int[] events = {0};
          RingBuffer ring =
              new RingBuffer(obj.map(MapNames.EVENTS, 0, 0, false).fd(), e -> events[0]++);
          sets.put(o.getKey().sized(), new PinSet(ring, events));
          ProgTestRun.run(prog, frame, 70_000); // fills conntrack (65,536 entries)
          drain(ring);
        }
      }
      Map<Variant, long[]> rounds = new LinkedHashMap<>();
      programs.keySet().forEach(k -> rounds.put(k, new long[ROUNDS]));
      for (int r = 0; r < ROUNDS; r++) {
        for (var p : programs.entrySet()) {
          PinSet set = sets.get(p.getKey().sized());
          set.events()[0] = 0;
          ProgTestRun.Result res = ProgTestRun.run(p.getValue(), frame, REPEAT);
          drain(set.ring());
          if (res.retval() != Packets.TC_ACT_OK) {
            throw new IllegalStateException(p.getKey() + ": a new flow was dropped at n=" + n);
          }
          // A few random tuples repeat one still tracked; far fewer than 90% events means
          // conntrack answered and the figure is not a new flow's.
          if (p.getKey().eventful() && set.events()[0] < REPEAT * 9 / 10) {
            throw new IllegalStateException(
                p.getKey().label()
                    + ": "
                    + set.events()[0]
                    + " new-flow events for "
                    + REPEAT
                    + " runs");
          }
          rounds.get(p.getKey())[r] = res.durationNanos();
        }
      }
      Map<Variant, Long> medians = new LinkedHashMap<>();
      rounds.forEach(
          (k, v) -> {
            Arrays.sort(v);
            medians.put(k, v[ROUNDS / 2]);
          });
      return medians;
    } finally {
      sets.values().forEach(s -> s.ring().close());
      loaded.forEach(BpfObject::close);
    }
  }

  private static void drain(RingBuffer ring) {
    while (ring.poll(0) > 0) {
      // consume everything the round wrote, so the next round's events find room
    }
  }
}
