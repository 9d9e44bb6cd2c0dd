package io.palisade.benchmarks.services;

import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathState;
import io.palisade.node.datapath.LocalEndpoint;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.resolve.EndpointPolicy;
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
 * The cost of a new connection to a ClusterIP with 10, 1,000 and 10,000 Services (three backends
 * each): Palisade's program on the client pod's veth by BPF_PROG_TEST_RUN (translation, conntrack,
 * policy on the backend, the NAT entries and the rewrite), beside kube-proxy's iptables rules for
 * the same Services measured in the same run, each in a namespace the benchmark makes and removes.
 * Run with {@code benchmarks/services.sh} (root); {@code -Dbench.services=10,1000} for fewer sizes.
 */
public final class ServiceBenchmark {

  static final long CLIENT = 1000;
  static final long BACKEND = 2000;
  static final byte[] CLIENT_IP = {10, 1, 0, 1};
  static final int SAMPLES = 4000;

  public static void main(String[] args) throws Exception {
    if (!Privileges.isRoot()) {
      System.err.println("the Service benchmark needs root (namespaces, bpf(2), iptables)");
      System.exit(2);
    }
    int[] sizes = sizes(System.getProperty("bench.services"), new int[] {10, 1_000, 10_000});
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-bench-" + run);
    Map<Integer, String> ours = new LinkedHashMap<>();
    Map<Integer, Long> oursMedian = new LinkedHashMap<>();
    try (BpfFsGuard guard = new BpfFsGuard();
        NetNs ns = NetNs.create("pal-" + run + "-svc")) {
      Datapath dp = ns.call(() -> Datapath.open(pins));
      try {
        for (int n : sizes) {
          long[] median = new long[1];
          ours.put(n, measureBpf(ns, dp, ServiceShape.generate(n), median));
          oursMedian.put(n, median[0]);
        }
      } finally {
        dp.close();
        Datapath.unpinAll(pins);
      }
    }
    Map<Integer, Long> iptables = new LinkedHashMap<>();
    try (NetNs ns = NetNs.create("pal-" + run + "-kproxy")) {
      KubeProxyRules.prepare(ns);
      for (int n : sizes) {
        iptables.put(
            n, KubeProxyRules.measure(ns, ServiceShape.generate(n), KubeProxyRules.MAX_PACKETS));
      }
    }
    StringBuilder table =
        new StringBuilder(
            "| Services | apply (ms, writes) | Palisade: new connection to a ClusterIP, 1 run"
                + " each: median / mean ns | floor: drop with no lookup hit, median ns"
                + " | established translated packet, repeated ns"
                + " | kube-proxy iptables: new connection ns (over an empty nat table)"
                + " | iptables / Palisade median |\n|---|---|---|---|---|---|---|\n");
    for (int n : sizes) {
      long ipt = iptables.get(n);
      table
          .append(ours.get(n))
          .append(" | ")
          .append(ipt)
          .append(" | ")
          .append(String.format("%.1f×", (double) ipt / oursMedian.get(n)))
          .append(" |\n");
    }
    System.out.println(table);
  }

  static int[] sizes(String v, int[] defaults) {
    if (v == null || v.isBlank()) {
      return defaults;
    }
    return Arrays.stream(v.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
  }

  /** Applies the Services, then times new flows to random ones; the row's first five cells. */
  static String measureBpf(NetNs ns, Datapath dp, List<ServiceShape> services, long[] median) {
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    Map<ServiceFrontend, List<ServiceBackend>> table = new HashMap<>();
    for (ServiceShape s : services) {
      table.put(
          new ServiceFrontend(s.clusterIp(), s.port(), Protocol.UDP),
          s.backends().stream().map(b -> new ServiceBackend(b, s.targetPort())).toList());
      s.backends().forEach(b -> ipcache.put(host(b), BACKEND));
    }
    MapState ms = new MapState();
    ms.insert(
        new MapStateKey(Direction.EGRESS, BACKEND, 17, services.getFirst().targetPort(), 16),
        MapStateEntry.ALLOW);
    DatapathState desired =
        new DatapathState(
            ipcache,
            List.of(new LocalEndpoint(CidrPrefix.host(CLIENT_IP), CLIENT, "lo")),
            Map.of(
                CLIENT,
                IdentityPolicy.of(new EndpointPolicy(CLIENT, EnumSet.of(Direction.EGRESS), ms))),
            new ServiceTable(table));
    long t0 = System.nanoTime();
    ApplyResult applied = ns.call(() -> dp.apply(desired));
    long applyMs = (System.nanoTime() - t0) / 1_000_000;

    int prog = dp.fromPodProgram();
    Random rnd = new Random(services.size());
    long[] fresh = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      ServiceShape s = services.get(rnd.nextInt(services.size()));
      byte[] f = Packets.frame(CLIENT_IP, address(s.clusterIp()), 17, 1024 + i, s.port());
      ProgTestRun.Result r = ProgTestRun.run(prog, f, 1);
      if (r.retval() != Packets.TC_ACT_OK) {
        throw new IllegalStateException("a connection to " + s.clusterIp() + " was dropped");
      }
      fresh[i] = r.durationNanos();
    }
    Arrays.sort(fresh);
    double mean = Arrays.stream(fresh).average().orElse(0);
    ServiceShape s = services.get(rnd.nextInt(services.size()));
    byte[] est = Packets.frame(CLIENT_IP, address(s.clusterIp()), 17, 65000, s.port());
    ProgTestRun.run(prog, est, 1);
    int established = ProgTestRun.run(prog, est, 200_000).durationNanos();
    byte[] world = Packets.frame(CLIENT_IP, new byte[] {8, 8, 8, 8}, 17, 4000, 53);
    long[] floor = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      ProgTestRun.Result r = ProgTestRun.run(prog, world, 1);
      if (r.retval() != Packets.TC_ACT_SHOT) {
        throw new IllegalStateException("a datagram to the world passed");
      }
      floor[i] = r.durationNanos();
    }
    Arrays.sort(floor);
    median[0] = fresh[SAMPLES / 2];
    return "| "
        + services.size()
        + " | "
        + applyMs
        + " ("
        + applied.totalWrites()
        + ") | "
        + fresh[SAMPLES / 2]
        + " / "
        + Math.round(mean)
        + " | "
        + floor[SAMPLES / 2]
        + " | "
        + established;
  }

  static byte[] address(String a) {
    return CidrPrefix.parseAddress(a).orElseThrow();
  }

  static CidrPrefix host(String a) {
    return CidrPrefix.host(address(a));
  }
}
