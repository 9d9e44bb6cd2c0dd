package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.bpf.ProgTestRun;
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
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.resolve.EndpointPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The kernel's verdict equals the engine's MapState lookup on random policies: random keys (port
 * prefixes, any-peer and any-protocol keys, deny and allow), random IPv4 and IPv6 packets from
 * pods, nested CIDRs and the world, run through the real programs with BPF_PROG_TEST_RUN.
 */
class KernelVerdictIT {

  static final long SUBJECT = 1000;

  /** The addresses of one family: the local pod, peer pods, two nested CIDRs, the world. */
  private record Family(
      byte[] pod,
      List<byte[]> hosts,
      CidrPrefix wide,
      CidrPrefix narrow,
      byte[] inWide,
      byte[] inNarrow,
      byte[] world,
      long worldId,
      int icmp,
      int echo) {

    static Family ipv4() {
      List<byte[]> hosts = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        hosts.add(new byte[] {10, 2, 0, (byte) (10 + i)});
      }
      return new Family(
          new byte[] {10, 1, 0, 1},
          hosts,
          CidrPrefix.parse("10.3.0.0/16").orElseThrow(),
          CidrPrefix.parse("10.3.5.0/24").orElseThrow(),
          new byte[] {10, 3, 9, 9},
          new byte[] {10, 3, 5, 7},
          new byte[] {8, 8, 8, 8},
          9,
          1,
          8);
    }

    static Family ipv6() {
      List<byte[]> hosts = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        hosts.add(v6("fd00:2::" + Integer.toHexString(0x10 + i)));
      }
      return new Family(
          v6("fd00:1::1"),
          hosts,
          CidrPrefix.parse("fd00:3::/32").orElseThrow(),
          CidrPrefix.parse("fd00:3:5::/48").orElseThrow(),
          v6("fd00:3:9::9"),
          v6("fd00:3:5::7"),
          v6("2001:db8::8"),
          10,
          58,
          128);
    }

    private static byte[] v6(String a) {
      return CidrPrefix.parseAddress(a).orElseThrow();
    }
  }

  @Test
  void kernelVerdictsMatchTheEngineOnRandomPolicies() {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    try (BpfFsGuard bpfFs = new BpfFsGuard();
        NetNs ns = NetNs.create("pal-" + run + "-kv")) {
      Datapath dp = ns.call(() -> Datapath.open(pins));
      try {
        int passed = 0;
        for (long seed = 1; seed <= 8; seed++) {
          passed += checkSeed(ns, dp, seed);
        }
        assertThat(passed)
            .as("packets passed out of 12000: both verdicts exercised")
            .isBetween(1000, 11000);
      } finally {
        dp.close();
        Datapath.unpinAll(pins);
      }
    }
  }

  private record Peer(byte[] address, long identity) {}

  /** Checks one random policy; returns how many of its packets the engine lets through. */
  private static int checkSeed(NetNs ns, Datapath dp, long seed) {
    Random rnd = new Random(seed);
    Family fam = seed % 2 == 0 ? Family.ipv6() : Family.ipv4();
    byte[] pod = fam.pod();
    int[] protocols = {6, 17, fam.icmp()};
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    List<Peer> peers = new ArrayList<>();
    for (int i = 0; i < fam.hosts().size(); i++) {
      byte[] a = fam.hosts().get(i);
      ipcache.put(CidrPrefix.host(a), 2000L + i);
      peers.add(new Peer(a, 2000L + i));
    }
    ipcache.put(fam.wide(), 16777217L);
    ipcache.put(fam.narrow(), 16777218L);
    peers.add(new Peer(fam.inWide(), 16777217L));
    peers.add(new Peer(fam.inNarrow(), 16777218L));
    peers.add(new Peer(fam.world(), fam.worldId()));

    MapState ms = new MapState();
    List<MapStateKey> keys = new ArrayList<>();
    for (int i = 0; i < 40 + rnd.nextInt(40); i++) {
      Direction d = rnd.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
      long peer = rnd.nextInt(4) == 0 ? 0 : peers.get(rnd.nextInt(peers.size())).identity();
      int proto = rnd.nextInt(6) == 0 ? 0 : protocols[rnd.nextInt(protocols.length)];
      int bits = proto == 0 ? 0 : rnd.nextInt(4) == 0 ? 0 : 10 + rnd.nextInt(7);
      int port = proto == 0 ? 0 : proto == fam.icmp() ? fam.echo() : 1000 + rnd.nextInt(64);
      if (proto == fam.icmp()) {
        bits = rnd.nextBoolean() ? 16 : 0;
      }
      MapStateKey k = new MapStateKey(d, peer, proto, port, bits);
      keys.add(k);
      ms.insert(k, rnd.nextInt(10) < 3 ? MapStateEntry.DENY : MapStateEntry.ALLOW);
    }
    IdentityPolicy policy =
        IdentityPolicy.of(new EndpointPolicy(SUBJECT, EnumSet.allOf(Direction.class), ms));
    DatapathState desired =
        new DatapathState(
            ipcache,
            List.of(new LocalEndpoint(CidrPrefix.host(pod), SUBJECT, "lo")),
            Map.of(SUBJECT, policy));
    ns.call(() -> dp.apply(desired));

    int sport = 20000 + (int) seed * 4000; // a fresh source port per packet: no conntrack hit
    List<String> wrong = new ArrayList<>();
    int passed = 0;
    for (int i = 0; i < 1500; i++) {
      Direction d = rnd.nextBoolean() ? Direction.INGRESS : Direction.EGRESS;
      Peer peer = peers.get(rnd.nextInt(peers.size()));
      int proto = protocols[rnd.nextInt(protocols.length)];
      int port =
          proto == fam.icmp()
              ? fam.echo()
              : rnd.nextBoolean()
                  ? keys.get(rnd.nextInt(keys.size())).port() + rnd.nextInt(4)
                  : rnd.nextInt(65536);
      port &= 0xFFFF;
      boolean egress = d == Direction.EGRESS;
      byte[] frame =
          Packets.frame(
              egress ? pod : peer.address(), egress ? peer.address() : pod, proto, sport++, port);
      int prog = egress ? dp.fromPodProgram() : dp.toPodProgram();
      int got = ProgTestRun.run(prog, frame, 1).retval();
      boolean pass =
          ms.lookup(d, peer.identity(), proto, port)
              .map(m -> m.entry().verdict() != Verdict.DENY)
              .orElse(false);
      int want = pass ? Packets.TC_ACT_OK : Packets.TC_ACT_SHOT;
      passed += pass ? 1 : 0;
      if (got != want) {
        wrong.add(
            "seed "
                + seed
                + ": "
                + d
                + " peer "
                + peer.identity()
                + " proto "
                + proto
                + " port "
                + port
                + ": kernel "
                + got
                + ", engine "
                + want);
      }
    }
    assertThat(wrong).as("kernel verdicts that differ from MapState.lookup\n" + ms).isEmpty();
    System.out.println(
        "seed "
            + seed
            + " ("
            + (fam.pod().length == 16 ? "IPv6" : "IPv4")
            + "): "
            + passed
            + " of 1500 packets passed, kernel and engine agree on all");
    return passed;
  }
}
