package io.palisade.node.bench;

import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.bpf.RingBuffer;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathApplier;
import io.palisade.node.discovery.DeclaredPods;
import io.palisade.node.discovery.EndpointDiscovery;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.node.maps.Reason;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.FlowNamer;
import io.palisade.node.observe.FlowSampler;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowFilter;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.resolve.HostTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The flow pipeline's capacity: drops made by the real {@code palisade_to_pod} program through
 * BPF_PROG_TEST_RUN (each a ring-buffer event), read (1) raw, counting the ring buffer's records,
 * and (2) through everything {@code palisade observe} gets: decoded, named from the pipeline's
 * rules (pods, the default-denying policy and its source), kept in the ring of recent flows, and
 * turned into JSON by a follower. Each is run flat out (what the reader keeps up with, and what the
 * kernel lost for want of room) and then paced at a rate below the pipeline's, to show a rate
 * without loss. Run: {@code ./mvnw -pl node-daemon -am -Pbench-flows verify} (root).
 */
public final class FlowRateBenchmark {

  private static final byte[] BACKEND = {10, 1, 0, 1};

  /** The JSON of the last flow a follower got, printed to show what was measured. */
  private static final AtomicReference<String> LAST = new AtomicReference<>("");

  private static final byte[] CLIENT = {10, 1, 0, 2};

  private static final String CLUSTER =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: app}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: backend, namespace: app, labels: {app: backend}}
      status: {podIP: 10.1.0.1}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client, namespace: app, labels: {app: client}}
      status: {podIP: 10.1.0.2}
      """;

  private static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: backend-ingress
        namespace: app
        annotations:
          palisade.io/source: palisade-system/policies
          palisade.io/source-revision: main@sha1:3f2a9c1d0b8e7f6a5d4c3b2a19081726354a5b6c
      spec:
        endpointSelector: {matchLabels: {app: backend}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: frontend}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
      """;

  private record Result(long produced, long read, long kernelLost, long followerLost, double secs) {
    double rate() {
      return read / secs;
    }

    String row(String what) {
      return String.format(
          "| %s | %,d | %,d | %,.0f | %,d | %,d |",
          what, produced, read, rate(), kernelLost, followerLost);
    }
  }

  public static void main(String[] args) throws Exception {
    if (!Privileges.isRoot()) {
      System.err.println("the benchmark needs root");
      System.exit(2);
    }
    double seconds = Double.parseDouble(System.getProperty("bench.seconds", "5"));
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-bench-" + run);
    Path dir = Files.createTempDirectory("palisade-flow-bench");
    try (BpfFsGuard guard = new BpfFsGuard();
        NetNs ns = NetNs.create("pal-" + run + "-flows")) {
      Datapath dp = ns.call(() -> Datapath.open(pins));
      try {
        Files.writeString(dir.resolve("cluster.yaml"), CLUSTER);
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        DatapathApplier applier =
            new DatapathApplier(
                dp,
                "local",
                new DeclaredPods(
                    Map.of("app/backend", "lo"),
                    Set.of(),
                    new EndpointDiscovery(dir.resolve("no-cni"), p -> {})));
        LocalPipeline pipeline =
            new LocalPipeline(
                "local", applier, RemovalBudget.DEFAULT, HostTraffic.ALLOWED, Optional.empty());
        pipeline.accept(
            PolicySnapshot.of(
                "files", new PolicyLoader().load(List.of(dir.resolve("policy.yaml")))));
        ClusterFile.Result inventory = ClusterFile.read(dir.resolve("cluster.yaml"));
        if (!inventory.errors().isEmpty()) {
          throw new IllegalStateException("bad inventory: " + inventory.errors());
        }
        pipeline.accept(inventory.contents());
        ns.call(pipeline::run);
        FlowNamer namer = FlowNamer.of(new FlowNaming(pipeline.pipeline(), () -> "files"));
        byte[] frame = Packets.frame(CLIENT, BACKEND, 6, 40000, 8080);
        if (ProgTestRun.run(dp.toPodProgram(), frame, 1).retval() != Packets.TC_ACT_SHOT) {
          throw new IllegalStateException("the benchmark's packet was not dropped");
        }
        drainRaw(dp); // the check's event
        StringBuilder table =
            new StringBuilder(
                "| reader, producer | events made | events read | read per second | lost in the"
                    + " kernel (ring full) | lost by the follower |\n|---|---|---|---|---|---|\n");
        Result raw = raw(dp, frame, seconds, 0);
        table.append(raw.row("raw ring-buffer read, flat out")).append('\n');
        Result full = full(dp, namer, frame, seconds, 0);
        table.append(full.row("to observe (decode, name, ring, JSON), flat out")).append('\n');
        long paced = (long) (Math.min(full.rate(), raw.rate()) * 0.8);
        Result pacedFull = full(dp, namer, frame, seconds, paced);
        table
            .append(
                pacedFull.row(
                    String.format("to observe, paced at %,d/s (80%% of the lower)", paced)))
            .append('\n');
        System.out.println(table);
        System.out.println("the last flow observed: " + LAST.get());
      } finally {
        dp.close();
        Datapath.unpinAll(pins);
      }
    }
  }

  private static long lost(Datapath dp) {
    return dp.counters().getOrDefault(Reason.EVENTS_LOST.slot(), new long[2])[0];
  }

  private static void drainRaw(Datapath dp) {
    try (RingBuffer rb = new RingBuffer(dp.eventsFd(), d -> {})) {
      while (rb.poll(50) > 0) {
        // empty it
      }
    }
  }

  /** Runs the program {@code frame} by batches, flat out or paced at {@code perSecond}. */
  private static long produce(Datapath dp, byte[] frame, double seconds, long perSecond) {
    int batch = perSecond == 0 ? 1000 : 100;
    long produced = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      ProgTestRun.run(dp.toPodProgram(), frame, batch);
      produced += batch;
      if (perSecond > 0) {
        long due = start + produced * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(wait);
        }
      }
    }
    return produced;
  }

  private static Result raw(Datapath dp, byte[] frame, double seconds, long perSecond)
      throws Exception {
    AtomicLong read = new AtomicLong();
    AtomicBoolean producing = new AtomicBoolean(true);
    long lostBefore = lost(dp);
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (RingBuffer rb = new RingBuffer(dp.eventsFd(), d -> read.incrementAndGet())) {
                    while (producing.get() || rb.poll(100) > 0) {
                      rb.poll(100);
                    }
                  }
                });
    long t0 = System.nanoTime();
    long produced = produce(dp, frame, seconds, perSecond);
    producing.set(false);
    reader.join();
    double secs = (System.nanoTime() - t0) / 1e9;
    return new Result(produced, read.get(), lost(dp) - lostBefore, 0, secs);
  }

  private static Result full(
      Datapath dp, FlowNamer namer, byte[] frame, double seconds, long perSecond) throws Exception {
    FlowRing ring = new FlowRing(10_000);
    FlowSampler sampler = new FlowSampler(1);
    AtomicLong delivered = new AtomicLong();
    AtomicLong followerLost = new AtomicLong();
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicBoolean reading = new AtomicBoolean(true);
    long lostBefore = lost(dp);
    FlowRing.Follower follower = ring.follow(FlowFilter.ALL, false);
    Thread observer =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    while (true) {
                      List<Flow> batch = follower.next(100);
                      for (Flow f : batch) {
                        LAST.set(f.toJson());
                        delivered.incrementAndGet();
                      }
                      followerLost.addAndGet(follower.takeLost());
                      if (batch.isEmpty() && !reading.get()) {
                        break;
                      }
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (FlowLog log =
                      new FlowLog(
                          dp.eventsFd(),
                          e -> {
                            if (sampler.keep(e)) {
                              ring.accept(namer.name(e.naming(dp.appliedPolicies())));
                            }
                          })) {
                    while (producing.get() || log.poll(100) > 0) {
                      log.poll(100);
                    }
                  }
                });
    long t0 = System.nanoTime();
    long produced = produce(dp, frame, seconds, perSecond);
    producing.set(false);
    reader.join();
    reading.set(false);
    observer.join();
    double secs = (System.nanoTime() - t0) / 1e9;
    follower.close();
    return new Result(produced, delivered.get(), lost(dp) - lostBefore, followerLost.get(), secs);
  }
}
