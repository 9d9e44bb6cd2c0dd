package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.DnsProbe;
import io.palisade.node.harness.Dnsmasq;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Sh;
import io.palisade.node.harness.Tools;
import io.palisade.node.maps.Reason;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceTable;
import io.palisade.policy.Protocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Services on real packets: a web pod reaches a Service's ClusterIP (TCP, and DNS over UDP to a
 * real dnsmasq behind the kube-dns Service) when the policies of both ends allow the backend, and
 * is refused when either does not, even when its egress allows the ClusterIP's range; replies come
 * from the frontend; new flows spread evenly over the backends; a Service with no backend drops as
 * such. Each case runs with no kube-proxy on the node and beside kube-proxy's iptables DNAT rules
 * in the node namespace, which then must see pod addresses only and match nothing.
 */
class ServiceTranslationIT {

  enum KubeProxy {
    NONE,
    IPTABLES
  }

  static final String CLUSTER_IP = "10.96.0.10";
  static final String KUBE_DNS = "10.96.0.53";
  static final String EMPTY = "10.96.0.99";
  static final int WHOAMI = 7000;
  static final int DNSMASQ = 5353;

  static final List<PodSpec> PODS =
      List.of(
          new PodSpec("shop", "web", Map.of("app", "web"), "10.30.0.1"),
          new PodSpec("shop", "other", Map.of("app", "other"), "10.30.0.2"),
          new PodSpec("shop", "db-a", Map.of("app", "db"), "10.30.0.11"),
          new PodSpec("shop", "db-b", Map.of("app", "db"), "10.30.0.12"),
          new PodSpec("shop", "db-c", Map.of("app", "db"), "10.30.0.13"),
          new PodSpec("kube-system", "coredns", Map.of("k8s-app", "kube-dns"), "10.30.0.53"));

  static final List<String> DBS = List.of("10.30.0.11", "10.30.0.12", "10.30.0.13");

  static final ServiceTable SERVICES =
      new ServiceTable(
          Map.of(
              new ServiceFrontend(CLUSTER_IP, 80, Protocol.TCP), backends(8080),
              new ServiceFrontend(CLUSTER_IP, 7, Protocol.UDP), backends(WHOAMI),
              new ServiceFrontend(KUBE_DNS, 53, Protocol.UDP),
                  List.of(new ServiceBackend("10.30.0.53", DNSMASQ)),
              new ServiceFrontend(EMPTY, 80, Protocol.TCP), List.of()));

  /** The web pod may reach the databases and DNS; the databases take only the web pod. */
  static final String ALLOWED =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web, namespace: shop}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        egress:
          - toEndpoints: [{matchLabels: {app: db}}]
            toPorts: [{ports: [{port: "8080", protocol: TCP}, {port: "7000", protocol: UDP}]}]
          - toEndpoints:
              - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
            toPorts: [{ports: [{port: "5353", protocol: UDP}]}]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: db, namespace: shop}
      spec:
        endpointSelector: {matchLabels: {app: db}}
        ingress:
          - fromEndpoints: [{matchLabels: {app: web}}]
      """;

  /** The databases take only the other pod: the web pod's egress allows them, their ingress not. */
  static final String BACKEND_REFUSES =
      ALLOWED.replace(
          "fromEndpoints: [{matchLabels: {app: web}}]",
          "fromEndpoints: [{matchLabels: {app: other}}]");

  /**
   * The web pod's egress allows the Service range and the world, DNS, and no database: the
   * ClusterIP is never the world, so the databases stay out of reach.
   */
  static final String CLUSTER_IP_AS_WORLD =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web, namespace: shop}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        egress:
          - toCIDR: [10.96.0.0/12]
          - toEntities: [world]
          - toEndpoints:
              - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s-app: kube-dns}
            toPorts: [{ports: [{port: "5353", protocol: UDP}]}]
      """;

  /** The web pod may reach the databases only: no DNS. */
  static final String NO_DNS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web, namespace: shop}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        egress:
          - toEndpoints: [{matchLabels: {app: db}}]
      """;

  static final Duration TIMEOUT = Duration.ofMillis(1500);

  @ParameterizedTest
  @EnumSource(KubeProxy.class)
  void clusterIpsAreDecidedOnTheirBackends(KubeProxy kubeProxy) throws Exception {
    Privileges.requireRoot();
    Tools.require("dnsmasq");
    try (DatapathFixture node = new DatapathFixture(PODS, List.of());
        Closeables running = new Closeables()) {
      NetNs web = node.topology().pod("shop/web").netns();
      for (String db : DBS) {
        running.add(whoami(podNs(node, db), db));
      }
      running.add(
          Dnsmasq.start(
              node.topology().pod("kube-system/coredns").netns(),
              DNSMASQ,
              0,
              Map.of("db.shop.test", "10.30.7.7")));
      if (kubeProxy == KubeProxy.IPTABLES) {
        installKubeProxyRules(node.topology().node());
      }

      node.apply(node.prepare(ALLOWED).withServices(SERVICES));
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, TIMEOUT)).as("TCP to the ClusterIP").isTrue();
      Optional<DnsProbe.Answer> dns = DnsProbe.queryA(web, KUBE_DNS, 53, "db.shop.test", TIMEOUT);
      assertThat(dns).as("DNS through the kube-dns Service").isPresent();
      assertThat(dns.get().addresses()).containsExactly("10.30.7.7");
      assertThat(dns.get().from())
          .as("the answer comes from the Service, not from the pod behind it")
          .isEqualTo(new InetSocketAddress(KUBE_DNS, 53));
      assertThat(Probes.tcp(web, "10.30.0.11", 8080, TIMEOUT)).as("a database directly").isTrue();

      // New flows spread evenly over the three backends, every packet of a flow to the same one.
      Map<String, Integer> spread = new TreeMap<>();
      int flows = 300;
      for (int i = 0; i < flows; i++) {
        InetSocketAddress[] from = new InetSocketAddress[1];
        spread.merge(whoamiQuery(web, 1, from), 1, Integer::sum);
        assertThat(from[0]).isEqualTo(new InetSocketAddress(CLUSTER_IP, 7));
      }
      System.out.println(
          "ClusterIP spread (" + kubeProxy + "), " + flows + " UDP flows: " + spread);
      assertThat(spread.keySet()).containsExactlyInAnyOrderElementsOf(DBS);
      // Binomial(300, 1/3): sd 8.2; 5 sd either side of 100 fails by chance once in 1.7 million.
      spread.values().forEach(n -> assertThat(n).isBetween(59, 141));
      assertThat(whoamiQuery(web, 5, new InetSocketAddress[1]))
          .as("five datagrams of one flow, one backend")
          .isNotEmpty();

      long noBackend =
          node.datapath()
              .counters()
              .getOrDefault(Reason.DROP_NO_SERVICE_BACKEND.slot(), new long[2])[0];
      assertThat(Probes.tcp(web, EMPTY, 80, Duration.ofMillis(500)))
          .as("a Service with no ready backend")
          .isFalse();
      assertThat(
              node.datapath()
                  .counters()
                  .getOrDefault(Reason.DROP_NO_SERVICE_BACKEND.slot(), new long[2])[0])
          .as("dropped as no_service_backend")
          .isGreaterThan(noBackend);

      node.apply(node.prepare(BACKEND_REFUSES).withServices(SERVICES));
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, TIMEOUT))
          .as("the backends' ingress refuses the web pod")
          .isFalse();
      assertThat(DnsProbe.queryA(web, KUBE_DNS, 53, "db.shop.test", TIMEOUT))
          .as("DNS is still allowed")
          .isPresent();

      node.apply(node.prepare(CLUSTER_IP_AS_WORLD).withServices(SERVICES));
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, TIMEOUT))
          .as("an egress to the ClusterIP's range and the world does not reach the backends")
          .isFalse();
      assertThat(DnsProbe.queryA(web, KUBE_DNS, 53, "db.shop.test", TIMEOUT)).isPresent();

      node.apply(node.prepare(NO_DNS).withServices(SERVICES));
      assertThat(DnsProbe.queryA(web, KUBE_DNS, 53, "db.shop.test", TIMEOUT))
          .as("DNS when the web pod's egress does not allow kube-dns")
          .isEmpty();
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, TIMEOUT)).isTrue();

      if (kubeProxy == KubeProxy.IPTABLES) {
        assertThat(kubeProxyDnatPackets(node.topology().node()))
            .as("kube-proxy's rules saw only pod addresses, the ClusterIPs were translated first")
            .isZero();
      }
    }
  }

  static List<ServiceBackend> backends(int port) {
    return DBS.stream().map(a -> new ServiceBackend(a, port)).toList();
  }

  static NetNs podNs(DatapathFixture node, String address) {
    return node.topology().pods().stream()
        .filter(p -> p.spec().ip().equals(address))
        .findFirst()
        .orElseThrow()
        .netns();
  }

  /**
   * Sends {@code datagrams} datagrams of one new flow to the ClusterIP's whoami port; returns the
   * backend that answered all of them and puts where the answers came from in {@code from}.
   */
  static String whoamiQuery(NetNs web, int datagrams, InetSocketAddress[] from) throws IOException {
    try (DatagramChannel ch = web.call(DatagramChannel::open)) {
      ch.socket().setSoTimeout((int) TIMEOUT.toMillis());
      String name = null;
      for (int i = 0; i < datagrams; i++) {
        ch.send(ByteBuffer.wrap(new byte[] {'?'}), new InetSocketAddress(CLUSTER_IP, 7));
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[64], 64);
        try {
          ch.socket().receive(p);
        } catch (SocketTimeoutException e) {
          throw new AssertionError("no answer from the whoami Service", e);
        }
        from[0] = (InetSocketAddress) p.getSocketAddress();
        String got = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
        assertThat(name == null || name.equals(got)).as("one flow, one backend").isTrue();
        name = got;
      }
      return name;
    }
  }

  /** A UDP server that answers every datagram with its own address: which backend got the flow. */
  static AutoCloseable whoami(NetNs ns, String address) {
    DatagramChannel ch = ns.call(() -> DatagramChannel.open().bind(new InetSocketAddress(WHOAMI)));
    byte[] name = address.getBytes(StandardCharsets.US_ASCII);
    Thread.ofVirtual()
        .start(
            () -> {
              ByteBuffer buf = ByteBuffer.allocate(64);
              try {
                while (true) {
                  buf.clear();
                  var from = ch.receive(buf);
                  ch.send(ByteBuffer.wrap(name), from);
                }
              } catch (IOException closed) {
                // the server was closed
              }
            });
    return ch;
  }

  /**
   * kube-proxy's iptables mode for the same Services, in the node namespace: KUBE-SERVICES from
   * PREROUTING, one KUBE-SVC chain per Service port choosing a KUBE-SEP endpoint chain at random,
   * each a DNAT to its pod.
   */
  static void installKubeProxyRules(NetNs node) throws IOException {
    StringBuilder r = new StringBuilder("*nat\n:KUBE-SERVICES - [0:0]\n");
    List<String> rules = new ArrayList<>();
    rules.add("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES");
    service(r, rules, "DB", CLUSTER_IP, "tcp", 80, DBS, 8080);
    service(r, rules, "WHOAMI", CLUSTER_IP, "udp", 7, DBS, WHOAMI);
    service(r, rules, "DNS", KUBE_DNS, "udp", 53, List.of("10.30.0.53"), DNSMASQ);
    rules.forEach(l -> r.append(l).append('\n'));
    r.append("COMMIT\n");
    Path file = Files.createTempFile("palisade-kube-proxy", ".rules");
    try {
      Files.writeString(file, r);
      Sh.must("ip", "netns", "exec", node.name(), "sh", "-c", "iptables-legacy-restore < " + file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void service(
      StringBuilder chains,
      List<String> rules,
      String name,
      String clusterIp,
      String proto,
      int port,
      List<String> endpoints,
      int targetPort) {
    String svc = "KUBE-SVC-" + name;
    chains.append(':').append(svc).append(" - [0:0]\n");
    rules.add(
        "-A KUBE-SERVICES -d " + clusterIp + "/32 -p " + proto + " --dport " + port + " -j " + svc);
    for (int i = 0; i < endpoints.size(); i++) {
      String sep = "KUBE-SEP-" + name + i;
      chains.append(':').append(sep).append(" - [0:0]\n");
      int left = endpoints.size() - i;
      rules.add(
          "-A "
              + svc
              + (left > 1
                  ? " -m statistic --mode random --probability " + String.format("%.5f", 1.0 / left)
                  : "")
              + " -j "
              + sep);
      rules.add(
          "-A "
              + sep
              + " -p "
              + proto
              + " -j DNAT --to-destination "
              + endpoints.get(i)
              + ":"
              + targetPort);
    }
  }

  /** Packets that kube-proxy's Service rules sent to a Service chain. */
  static long kubeProxyDnatPackets(NetNs node) {
    String out =
        Sh.must(
            "ip",
            "netns",
            "exec",
            node.name(),
            "iptables-legacy",
            "-t",
            "nat",
            "-L",
            "KUBE-SERVICES",
            "-n",
            "-v",
            "-x");
    long packets = 0;
    for (String line : out.split("\n")) {
      String t = line.strip();
      if (t.contains("KUBE-SVC-")) {
        packets += Long.parseLong(t.split("\\s+")[0]);
      }
    }
    assertThat(out).as("the rules are in place").contains("KUBE-SVC-DB");
    return packets;
  }

  /** Closes what a test started, last first, also when the test fails. */
  static final class Closeables implements AutoCloseable {
    private final List<AutoCloseable> items = new ArrayList<>();

    void add(AutoCloseable c) {
      items.add(c);
    }

    @Override
    public void close() throws Exception {
      for (int i = items.size() - 1; i >= 0; i--) {
        items.get(i).close();
      }
    }
  }
}
