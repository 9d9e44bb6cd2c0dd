package io.palisade.benchmarks.services;

import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Sh;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * kube-proxy's iptables mode for N Services in a test namespace, as kube-proxy writes it: from nat
 * OUTPUT into KUBE-SERVICES, one rule per Service port there (a linear list), a KUBE-SVC chain that
 * picks an endpoint with {@code statistic --mode random}, a KUBE-SEP chain with the DNAT. The cost
 * of a new connection is measured as the node daemon's iptables baseline measures rules: the time
 * to send datagrams through the namespace, minus the same with the nat table empty. Each datagram
 * comes from a socket of its own, bound to a source port no other datagram of the run used, to a
 * random ClusterIP: so each is a new conntrack entry and walks the rules (a later packet of a
 * connection skips the nat table). The ClusterIPs and endpoints are routed into a veth whose peer
 * is down, which drops what it is given.
 */
final class KubeProxyRules {

  private KubeProxyRules() {}

  /** Source ports for the six rounds of datagrams of one measurement, none used twice. */
  static final int MAX_PACKETS = 10_000;

  /** Nanoseconds per new connection that the rules for {@code services} add. */
  static long measure(NetNs ns, List<ServiceShape> services, int packets) throws IOException {
    if (packets > MAX_PACKETS) {
      throw new IllegalArgumentException("at most " + MAX_PACKETS + " packets per round");
    }
    Path file = Files.createTempFile("palisade-kube-proxy", ".rules");
    try {
      Files.writeString(file, rules(services));
      long[] with = new long[3];
      long[] without = new long[3];
      for (int r = 0; r < 3; r++) {
        Sh.must("ip", "netns", "exec", ns.name(), "sh", "-c", "iptables-legacy-restore < " + file);
        with[r] = send(ns, services, packets, r, 1024 + 2 * r * packets);
        flush(ns);
        without[r] = send(ns, services, packets, r, 1024 + (2 * r + 1) * packets);
      }
      Arrays.sort(with);
      Arrays.sort(without);
      return Math.max(0, (with[1] - without[1]) / packets);
    } finally {
      flush(ns);
      Files.deleteIfExists(file);
    }
  }

  /**
   * Routes the ClusterIPs and the endpoints into a veth whose peer is down, through one permanent
   * neighbour: a datagram costs one route lookup and is dropped on transmit, whichever address it
   * ends up with (the kernel may have no dummy interfaces).
   */
  static void prepare(NetNs ns) {
    ns.ip("link", "add", "svc0", "type", "veth", "peer", "name", "svc1");
    ns.ip("link", "set", "svc0", "up");
    ns.ip("addr", "add", "10.255.0.1/30", "dev", "svc0");
    ns.ip(
        "neigh",
        "add",
        "10.255.0.2",
        "lladdr",
        "02:00:00:00:00:02",
        "dev",
        "svc0",
        "nud",
        "permanent");
    for (String net : List.of("10.96.0.0/12", "10.200.0.0/16")) {
      ns.ip("route", "add", net, "via", "10.255.0.2", "dev", "svc0", "onlink");
    }
  }

  private static void flush(NetNs ns) {
    Sh.must("ip", "netns", "exec", ns.name(), "iptables-legacy", "-t", "nat", "-F");
    Sh.must("ip", "netns", "exec", ns.name(), "iptables-legacy", "-t", "nat", "-X");
  }

  static String rules(List<ServiceShape> services) {
    StringBuilder chains = new StringBuilder("*nat\n:KUBE-SERVICES - [0:0]\n");
    StringBuilder rules =
        new StringBuilder(
            "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
    for (int i = 0; i < services.size(); i++) {
      ServiceShape s = services.get(i);
      String svc = "KUBE-SVC-" + i;
      chains.append(':').append(svc).append(" - [0:0]\n");
      rules
          .append("-A KUBE-SERVICES -d ")
          .append(s.clusterIp())
          .append("/32 -p udp -m comment --comment \"bench/svc-")
          .append(i)
          .append(":dns cluster IP\" -m udp --dport ")
          .append(s.port())
          .append(" -j ")
          .append(svc)
          .append('\n');
      List<String> backends = s.backends();
      for (int b = 0; b < backends.size(); b++) {
        String sep = "KUBE-SEP-" + i + "-" + b;
        chains.append(':').append(sep).append(" - [0:0]\n");
        int left = backends.size() - b;
        rules.append("-A ").append(svc);
        if (left > 1) {
          rules.append(" -m statistic --mode random --probability ");
          rules.append(String.format("%.11f", 1.0 / left));
        }
        rules.append(" -j ").append(sep).append('\n');
        rules
            .append("-A ")
            .append(sep)
            .append(" -p udp -m udp -j DNAT --to-destination ")
            .append(backends.get(b))
            .append(':')
            .append(s.targetPort())
            .append('\n');
      }
    }
    return chains.append(rules).append("COMMIT\n").toString();
  }

  /**
   * Nanoseconds to send {@code packets} datagrams, each from a new socket on the next source port
   * from {@code firstPort} to a random Service.
   */
  private static long send(
      NetNs ns, List<ServiceShape> services, int packets, int round, int firstPort) {
    Random rnd = new Random(round);
    InetSocketAddress[] targets = new InetSocketAddress[packets];
    for (int i = 0; i < packets; i++) {
      ServiceShape s = services.get(rnd.nextInt(services.size()));
      targets[i] = new InetSocketAddress(s.clusterIp(), s.port());
    }
    ByteBuffer b = ByteBuffer.allocateDirect(64);
    return ns.call(
        () -> {
          long t0 = System.nanoTime();
          for (int i = 0; i < packets; i++) {
            try (DatagramChannel tx = DatagramChannel.open()) {
              tx.bind(new InetSocketAddress(firstPort + i));
              b.clear();
              tx.send(b, targets[i]);
            }
          }
          return System.nanoTime() - t0;
        });
  }
}
