package io.palisade.node.datapath;

import static io.palisade.node.harness.Packets.SCTP;
import static io.palisade.node.harness.Packets.TCP;
import static io.palisade.node.harness.Packets.TC_ACT_OK;
import static io.palisade.node.harness.Packets.TC_ACT_SHOT;
import static io.palisade.node.harness.Packets.UDP;
import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.bpf.ProgTestRun;
import io.palisade.node.harness.Checksums;
import io.palisade.node.harness.Packets;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.ProgTestNode;
import io.palisade.node.maps.Reason;
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
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Service translation through the real programs with BPF_PROG_TEST_RUN, byte by byte: the packet a
 * pod sends to a frontend leaves with the backend as destination and checksums that still add up,
 * the backend's reply enters the pod from the frontend, policy is decided on the backend (never on
 * the frontend's address as the world), a frontend with no backend drops as such, a flow keeps its
 * backend, and new flows spread evenly. IPv4 and IPv6, TCP, UDP and SCTP (addresses only, as SCTP's
 * checksum covers its ports).
 */
class ServiceKernelIT {

  static final long CLIENT = 1001;
  static final long DB = 2002;
  static final long VAULT = 3003;

  static final String CLIENT4 = "10.40.0.1";
  static final String CLIENT6 = "fd00:40::1";

  static final ServiceFrontend ONE = tcp("10.96.0.10", 80);
  static final ServiceFrontend THREE = tcp("10.96.0.11", 80);
  static final ServiceFrontend TO_VAULT = tcp("10.96.0.12", 80);
  static final ServiceFrontend NONE = tcp("10.96.0.13", 80);
  static final ServiceFrontend DNS6 = new ServiceFrontend("fd00:96::53", 53, Protocol.UDP);
  static final ServiceFrontend DIAMETER = new ServiceFrontend("10.96.0.14", 3868, Protocol.SCTP);

  @Test
  void aConnectionToAFrontendGoesToItsBackendAndTheReplyComesFromTheFrontend() {
    Privileges.requireRoot();
    try (ProgTestNode node = ProgTestNode.create("svc4")) {
      node.apply(state());
      byte[] syn = Checksums.fill(Packets.frame(ip(CLIENT4), ip("10.96.0.10"), TCP, 40000, 80));
      ProgTestRun.Output out = ProgTestRun.once(node.datapath().fromPodProgram(), syn);
      assertThat(out.retval()).isEqualTo(TC_ACT_OK);
      assertThat(dst(out.packet())).isEqualTo("10.40.0.11:8080");
      assertThat(src(out.packet())).isEqualTo(CLIENT4 + ":40000");
      assertThat(Checksums.valid(out.packet())).as("IPv4 and TCP checksums after DNAT").isTrue();

      byte[] synAck =
          Checksums.fill(
              Packets.tcp(
                  ip("10.40.0.11"), ip(CLIENT4), 8080, 40000, Packets.TCP_SYN | Packets.TCP_ACK));
      ProgTestRun.Output back = ProgTestRun.once(node.datapath().toPodProgram(), synAck);
      assertThat(back.retval()).isEqualTo(TC_ACT_OK);
      assertThat(src(back.packet())).as("the reply's source").isEqualTo("10.96.0.10:80");
      assertThat(dst(back.packet())).isEqualTo(CLIENT4 + ":40000");
      assertThat(Checksums.valid(back.packet())).as("checksums after reverse NAT").isTrue();
      assertThat(node.counter(Reason.FWD_CT_REPLY)).isEqualTo(1);

      // A later packet of the flow is translated again and rides its conntrack entry.
      ProgTestRun.Output again = ProgTestRun.once(node.datapath().fromPodProgram(), syn);
      assertThat(dst(again.packet())).isEqualTo("10.40.0.11:8080");
      assertThat(node.counter(Reason.FWD_CT_ESTABLISHED)).isEqualTo(1);

      // A packet from the backend to a flow that never went through the frontend (the client
      // enforces no ingress, so it passes) keeps its source: only translated flows are rewritten.
      byte[] stray = Checksums.fill(Packets.frame(ip("10.40.0.11"), ip(CLIENT4), TCP, 8080, 40001));
      ProgTestRun.Output strayOut = ProgTestRun.once(node.datapath().toPodProgram(), stray);
      assertThat(strayOut.retval()).isEqualTo(TC_ACT_OK);
      assertThat(src(strayOut.packet())).isEqualTo("10.40.0.11:8080");
    }
  }

  @Test
  void policyIsDecidedOnTheBackendNeverOnTheFrontendAsTheWorld() {
    Privileges.requireRoot();
    try (ProgTestNode node = ProgTestNode.create("svcpol")) {
      node.apply(state());
      long denied = node.counter(Reason.DROP_POLICY);
      // The client's egress allows the world on port 8080 and its own backends, not the vault.
      assertThat(node.fromPod(Packets.frame(ip(CLIENT4), ip("10.96.0.12"), TCP, 40000, 80)))
          .as("a frontend whose backend the policy does not allow")
          .isEqualTo(TC_ACT_SHOT);
      assertThat(node.counter(Reason.DROP_POLICY)).isEqualTo(denied + 1);
      assertThat(node.fromPod(Packets.frame(ip(CLIENT4), ip("10.40.0.66"), TCP, 40000, 8080)))
          .as("the vault directly")
          .isEqualTo(TC_ACT_SHOT);
      assertThat(node.fromPod(Packets.frame(ip(CLIENT4), ip("192.0.2.1"), TCP, 40000, 8080)))
          .as("the world on 8080, which the policy allows")
          .isEqualTo(TC_ACT_OK);
    }
  }

  @Test
  void aFrontendWithNoBackendDropsAsSuch() {
    Privileges.requireRoot();
    try (ProgTestNode node = ProgTestNode.create("svcnone")) {
      node.apply(state());
      assertThat(node.fromPod(Packets.frame(ip(CLIENT4), ip("10.96.0.13"), TCP, 40000, 80)))
          .isEqualTo(TC_ACT_SHOT);
      assertThat(node.counter(Reason.DROP_NO_SERVICE_BACKEND)).isEqualTo(1);
      assertThat(node.counter(Reason.DROP_POLICY)).isZero();
      // Another port of the same address is no frontend: the world, which policy decides.
      assertThat(node.fromPod(Packets.frame(ip(CLIENT4), ip("10.96.0.13"), TCP, 40000, 8080)))
          .isEqualTo(TC_ACT_OK);
      assertThat(node.counter(Reason.DROP_NO_SERVICE_BACKEND)).isEqualTo(1);
    }
  }

  @Test
  void udpOverIpv6AndSctpAreTranslated() {
    Privileges.requireRoot();
    try (ProgTestNode node = ProgTestNode.create("svc6")) {
      node.apply(state());
      byte[] query = Checksums.fill(Packets.frame(ip(CLIENT6), ip("fd00:96::53"), UDP, 41000, 53));
      ProgTestRun.Output out = ProgTestRun.once(node.datapath().fromPodProgram(), query);
      assertThat(out.retval()).isEqualTo(TC_ACT_OK);
      assertThat(dst(out.packet())).isEqualTo("fd00:40:0:0:0:0:0:11:5353");
      assertThat(Checksums.valid(out.packet())).as("UDP checksum over IPv6 after DNAT").isTrue();
      byte[] answer =
          Checksums.fill(Packets.frame(ip("fd00:40::11"), ip(CLIENT6), UDP, 5353, 41000));
      ProgTestRun.Output back = ProgTestRun.once(node.datapath().toPodProgram(), answer);
      assertThat(back.retval()).isEqualTo(TC_ACT_OK);
      assertThat(src(back.packet())).isEqualTo("fd00:96:0:0:0:0:0:53:53");
      assertThat(Checksums.valid(back.packet())).isTrue();

      byte[] init =
          Checksums.fill(
              Packets.sctp(ip(CLIENT4), ip("10.96.0.14"), 42000, 3868, Packets.SCTP_INIT));
      ProgTestRun.Output sctp = ProgTestRun.once(node.datapath().fromPodProgram(), init);
      assertThat(sctp.retval()).isEqualTo(TC_ACT_OK);
      assertThat(dst(sctp.packet())).isEqualTo("10.40.0.11:3868");
      assertThat(Checksums.valid(sctp.packet())).as("the IPv4 header checksum").isTrue();
      assertThat(Arrays.copyOfRange(sctp.packet(), 34 + 8, sctp.packet().length))
          .as("SCTP's checksum and chunks are untouched")
          .isEqualTo(Arrays.copyOfRange(init, 34 + 8, init.length));
      byte[] initAck =
          Packets.sctp(ip("10.40.0.11"), ip(CLIENT4), 3868, 42000, Packets.SCTP_INIT_ACK);
      ProgTestRun.Output ack = ProgTestRun.once(node.datapath().toPodProgram(), initAck);
      assertThat(ack.retval()).isEqualTo(TC_ACT_OK);
      assertThat(src(ack.packet())).isEqualTo("10.96.0.14:3868");
    }
  }

  @Test
  void aFlowKeepsItsBackendUntilItLeavesAndNewFlowsSpreadEvenly() {
    Privileges.requireRoot();
    try (ProgTestNode node = ProgTestNode.create("svcspread")) {
      node.apply(state());
      int prog = node.datapath().fromPodProgram();
      // The flow whose backend leaves below is one on 10.40.0.11:8080, which the Service ONE keeps:
      // it must move all the same. The kernel's flow hash has a seed of its own, so find one.
      byte[] flow = null;
      for (int port = 43000; flow == null; port++) {
        assertThat(port).as("a flow hashed to 10.40.0.11:8080 within 200 ports").isLessThan(43200);
        byte[] candidate = Packets.frame(ip(CLIENT4), ip("10.96.0.11"), TCP, port, 80);
        if (dst(ProgTestRun.once(prog, candidate).packet()).equals("10.40.0.11:8080")) {
          flow = candidate;
        }
      }
      String first = dst(ProgTestRun.once(prog, flow).packet());
      for (int i = 0; i < 20; i++) {
        assertThat(dst(ProgTestRun.once(prog, flow).packet())).isEqualTo(first);
      }

      int flows = 3000;
      Map<String, Integer> spread = new LinkedHashMap<>();
      for (int i = 0; i < flows; i++) {
        byte[] f = Packets.frame(ip(CLIENT4), ip("10.96.0.11"), TCP, 1024 + i, 80);
        ProgTestRun.Output out = ProgTestRun.once(prog, f);
        assertThat(out.retval()).isEqualTo(TC_ACT_OK);
        spread.merge(dst(out.packet()), 1, Integer::sum);
      }
      System.out.println("service spread over 3 backends, " + flows + " flows: " + spread);
      assertThat(spread).hasSize(3);
      // Binomial(3000, 1/3): sd 25.8; 5 sd either side of 1000 fails by chance once in 1.7 million.
      spread.values().forEach(n -> assertThat(n).isBetween(871, 1129));

      // The flow's backend leaves the service (still serving ONE): its next packet goes to one that
      // is still in THREE.
      Map<ServiceFrontend, List<ServiceBackend>> table = new HashMap<>(services().services());
      List<ServiceBackend> rest =
          table.get(THREE).stream().filter(b -> !dst(b).equals(first)).toList();
      table.put(THREE, rest);
      node.apply(state().withServices(new ServiceTable(table)));
      String moved = dst(ProgTestRun.once(prog, flow).packet());
      assertThat(moved).isNotEqualTo(first).isIn(rest.stream().map(ServiceKernelIT::dst).toList());
    }
  }

  static DatapathState state() {
    Map<CidrPrefix, Long> ipcache = new HashMap<>();
    ipcache.put(host(CLIENT4), CLIENT);
    ipcache.put(host(CLIENT6), CLIENT);
    for (String db : List.of("10.40.0.11", "10.40.0.12", "10.40.0.13", "fd00:40::11")) {
      ipcache.put(host(db), DB);
    }
    ipcache.put(host("10.40.0.66"), VAULT);
    MapState ms = new MapState();
    ms.insert(new MapStateKey(Direction.EGRESS, DB, TCP, 8080, 16), MapStateEntry.ALLOW);
    ms.insert(new MapStateKey(Direction.EGRESS, DB, UDP, 5353, 16), MapStateEntry.ALLOW);
    ms.insert(new MapStateKey(Direction.EGRESS, DB, SCTP, 3868, 16), MapStateEntry.ALLOW);
    ms.insert(new MapStateKey(Direction.EGRESS, 9, TCP, 8080, 16), MapStateEntry.ALLOW);
    IdentityPolicy policy =
        IdentityPolicy.of(new EndpointPolicy(CLIENT, EnumSet.of(Direction.EGRESS), ms));
    return new DatapathState(
        ipcache,
        List.of(
            new LocalEndpoint(host(CLIENT4), CLIENT, "lo"),
            new LocalEndpoint(host(CLIENT6), CLIENT, "lo")),
        Map.of(CLIENT, policy),
        services());
  }

  static ServiceTable services() {
    return new ServiceTable(
        Map.of(
            ONE, List.of(new ServiceBackend("10.40.0.11", 8080)),
            THREE,
                List.of(
                    new ServiceBackend("10.40.0.11", 8080),
                    new ServiceBackend("10.40.0.12", 8080),
                    new ServiceBackend("10.40.0.13", 8080)),
            TO_VAULT, List.of(new ServiceBackend("10.40.0.66", 8080)),
            NONE, List.of(),
            DNS6, List.of(new ServiceBackend("fd00:40::11", 5353)),
            DIAMETER, List.of(new ServiceBackend("10.40.0.11", 3868))));
  }

  static ServiceFrontend tcp(String address, int port) {
    return new ServiceFrontend(address, port, Protocol.TCP);
  }

  static byte[] ip(String a) {
    return CidrPrefix.parseAddress(a).orElseThrow();
  }

  static CidrPrefix host(String a) {
    return CidrPrefix.host(ip(a));
  }

  static String dst(ServiceBackend b) {
    return b.address() + ":" + b.port();
  }

  /** "address:port" of the frame's destination. */
  static String dst(byte[] frame) {
    return endpoint(frame, true);
  }

  static String src(byte[] frame) {
    return endpoint(frame, false);
  }

  private static String endpoint(byte[] f, boolean dst) {
    boolean v6 = ((f[12] & 0xFF) << 8 | (f[13] & 0xFF)) == 0x86DD;
    int len = v6 ? 16 : 4;
    int at = 14 + (v6 ? (dst ? 24 : 8) : (dst ? 16 : 12));
    byte[] a = Arrays.copyOfRange(f, at, at + len);
    int l4 = 14 + (v6 ? 40 : 20) + (dst ? 2 : 0);
    int port = (f[l4] & 0xFF) << 8 | (f[l4 + 1] & 0xFF);
    try {
      return java.net.InetAddress.getByAddress(a).getHostAddress() + ":" + port;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
