package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.ProgTestNode;
import io.palisade.node.maps.Reason;
import io.palisade.node.observe.FlowEvent;
import io.palisade.node.observe.FlowLog;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.policy.mapstate.MapState;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.resolve.EndpointPolicy;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernel's verdict equals the engine's MapState lookup on random policies: random keys (port
 * prefixes, any-peer and any-protocol keys, deny, redirect and allow), random IPv4 and IPv6 TCP,
 * UDP, SCTP and ICMP packets from pods, nested CIDRs and the world, run through the real programs
 * with BPF_PROG_TEST_RUN. With no L7 proxy, the kernel's verdict for a redirect is a drop.
 */
class KernelVerdictIT {

  static final long SUBJECT = 1000;
  static final int OK = Packets.TC_ACT_OK;
  static final int SHOT = Packets.TC_ACT_SHOT;

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
    try (ProgTestNode node = ProgTestNode.create("kv")) {
      int passed = 0;
      for (long seed = 1; seed <= 8; seed++) {
        passed += checkSeed(node, seed);
      }
      assertThat(passed)
          .as("packets passed out of 12000: both verdicts exercised")
          .isBetween(1000, 11000);
    }
  }

  /**
   * A SYN without ACK opens a connection and is never a reply, so it skips the reply lookup: the
   * pod's SYN ACK and ACK to a connection it accepted ride conntrack, while a bare SYN on the same
   * tuple (a simultaneous open) is decided by the pod's egress policy, which allows nothing here.
   */
  @Test
  void aBareSynIsDecidedByPolicyWhileTheAnswersOfATrackedFlowRideConntrack() {
    Privileges.requireRoot();
    Family fam = Family.ipv4();
    byte[] pod = fam.pod();
    byte[] peer = fam.hosts().get(0);
    MapState ms = new MapState();
    ms.insert(new MapStateKey(Direction.INGRESS, 2000, 6, 80, 16), MapStateEntry.ALLOW);
    try (ProgTestNode node = ProgTestNode.create("syn")) {
      node.apply(
          new DatapathState(
              Map.of(CidrPrefix.host(peer), 2000L),
              List.of(new LocalEndpoint(CidrPrefix.host(pod), SUBJECT, "lo")),
              Map.of(
                  SUBJECT,
                  IdentityPolicy.of(
                      new EndpointPolicy(SUBJECT, EnumSet.allOf(Direction.class), ms)))));
      assertThat(node.toPod(Packets.frame(peer, pod, 6, 40000, 80))).isEqualTo(OK);

      long denied = node.counter(Reason.DROP_POLICY);
      assertThat(node.fromPod(Packets.tcp(pod, peer, 80, 40000, Packets.TCP_SYN)))
          .as("a bare SYN back on the tracked tuple")
          .isEqualTo(SHOT);
      assertThat(node.counter(Reason.DROP_POLICY) - denied).isEqualTo(1);
      assertThat(node.counter(Reason.FWD_CT_REPLY)).isZero();

      assertThat(node.fromPod(Packets.tcp(pod, peer, 80, 40000, Packets.TCP_SYN | Packets.TCP_ACK)))
          .as("the SYN ACK")
          .isEqualTo(OK);
      assertThat(node.fromPod(Packets.tcp(pod, peer, 80, 40000, Packets.TCP_ACK)))
          .as("an ACK")
          .isEqualTo(OK);
      assertThat(node.counter(Reason.FWD_CT_REPLY)).isEqualTo(2);
    }
  }

  /**
   * A redirect asks for an L7 proxy that no node runs yet: its packets drop as proxy-unavailable, a
   * flow event says so, and no conntrack entry is left that a later packet or a reply could ride.
   */
  @Test
  void aRedirectDropsAsProxyUnavailableAndLeavesNoConntrackEntry() {
    Privileges.requireRoot();
    Family fam = Family.ipv4();
    byte[] pod = fam.pod();
    byte[] peer = fam.hosts().get(0);
    MapState ms = new MapState();
    ms.insert(
        new MapStateKey(Direction.INGRESS, 2000, 6, 80, 16),
        MapStateEntry.redirect(L7Policy.http(List.of())));
    ms.insert(new MapStateKey(Direction.INGRESS, 2000, 6, 8080, 16), MapStateEntry.ALLOW);
    ms.insert(new MapStateKey(Direction.EGRESS, 2000, 0, 0, 0), MapStateEntry.ALLOW);
    assertThat(ms.lookup(Direction.INGRESS, 2000, 6, 80).orElseThrow().entry().verdict())
        .isEqualTo(Verdict.REDIRECT);
    try (ProgTestNode node = ProgTestNode.create("rd")) {
      node.apply(
          new DatapathState(
              Map.of(CidrPrefix.host(peer), 2000L),
              List.of(new LocalEndpoint(CidrPrefix.host(pod), SUBJECT, "lo")),
              Map.of(
                  SUBJECT,
                  IdentityPolicy.of(
                      new EndpointPolicy(SUBJECT, EnumSet.allOf(Direction.class), ms)))));
      List<FlowEvent> events = new ArrayList<>();
      try (FlowLog log = new FlowLog(node.datapath().eventsFd(), events::add)) {
        long before = node.counter(Reason.DROP_PROXY_UNAVAILABLE);
        byte[] syn = Packets.frame(peer, pod, 6, 40000, 80);
        assertThat(node.toPod(syn)).as("first packet to the L7 port").isEqualTo(SHOT);
        assertThat(node.toPod(syn)).as("the same packet again").isEqualTo(SHOT);
        assertThat(node.conntrack(Direction.INGRESS, peer, pod, 6, 40000, 80))
            .as("conntrack entry of the dropped flow")
            .isEmpty();
        // Egress to the peer is allowed outright: the reply would pass only as a new flow.
        byte[] reply = Packets.tcp(pod, peer, 80, 40000, Packets.TCP_SYN | Packets.TCP_ACK);
        assertThat(node.fromPod(reply)).isEqualTo(OK);
        assertThat(node.counter(Reason.FWD_CT_REPLY)).as("replies through conntrack").isZero();
        assertThat(node.counter(Reason.DROP_PROXY_UNAVAILABLE) - before).isEqualTo(2);
        assertThat(node.toPod(Packets.frame(peer, pod, 6, 40001, 8080)))
            .as("a plain-allowed port of the same peer")
            .isEqualTo(OK);
        while (log.poll(100) > 0) {
          // drain every event of the packets above
        }
      }
      assertThat(events)
          .filteredOn(e -> e.destinationPort() == 80 && e.direction().equals("ingress"))
          .hasSize(2)
          .allSatisfy(
              e -> {
                assertThat(e.verdict()).isEqualTo("dropped");
                assertThat(e.reason()).isEqualTo("proxy_unavailable");
                assertThat(e.isDrop()).isTrue();
              });
    }
  }

  private record Peer(byte[] address, long identity) {}

  /** Checks one random policy; returns how many of its packets the engine lets through. */
  private static int checkSeed(ProgTestNode node, long seed) {
    Random rnd = new Random(seed);
    Family fam = seed % 2 == 0 ? Family.ipv6() : Family.ipv4();
    byte[] pod = fam.pod();
    int[] protocols = {6, 17, 132, fam.icmp()};
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
      int pick = rnd.nextInt(10);
      ms.insert(
          k,
          pick < 3
              ? MapStateEntry.DENY
              : pick == 3 && proto != fam.icmp()
                  ? MapStateEntry.redirect(L7Policy.http(List.of()))
                  : MapStateEntry.ALLOW);
    }
    IdentityPolicy policy =
        IdentityPolicy.of(new EndpointPolicy(SUBJECT, EnumSet.allOf(Direction.class), ms));
    DatapathState desired =
        new DatapathState(
            ipcache,
            List.of(new LocalEndpoint(CidrPrefix.host(pod), SUBJECT, "lo")),
            Map.of(SUBJECT, policy));
    node.apply(desired);
    long proxyDropsBefore = node.counter(Reason.DROP_PROXY_UNAVAILABLE);

    int sport = 20000 + (int) seed * 4000; // a fresh source port per packet: no conntrack hit
    List<String> wrong = new ArrayList<>();
    int passed = 0;
    int redirects = 0;
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
      int got = egress ? node.fromPod(frame) : node.toPod(frame);
      Verdict verdict =
          ms.lookup(d, peer.identity(), proto, port).map(m -> m.entry().verdict()).orElse(null);
      // No L7 proxy runs: a redirect drops, and only an allow passes.
      boolean pass = verdict == Verdict.ALLOW;
      redirects += verdict == Verdict.REDIRECT ? 1 : 0;
      int want = pass ? OK : SHOT;
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
    assertThat(node.counter(Reason.DROP_PROXY_UNAVAILABLE) - proxyDropsBefore)
        .as("seed " + seed + ": packets dropped as proxy-unavailable, one per redirect verdict")
        .isEqualTo(redirects);
    System.out.println(
        "seed "
            + seed
            + " ("
            + (fam.pod().length == 16 ? "IPv6" : "IPv4")
            + "): "
            + passed
            + " of 1500 packets passed, "
            + redirects
            + " redirects dropped as proxy-unavailable, kernel and engine agree on all");
    return passed;
  }
}
