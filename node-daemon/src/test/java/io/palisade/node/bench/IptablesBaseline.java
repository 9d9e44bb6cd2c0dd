package io.palisade.node.bench;

import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.Sh;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Linear iptables-legacy rules in a test namespace: N-1 rules that do not match, then the one that
 * does (the worst case of a linear chain). The cost per packet is the time to push UDP packets
 * through the loopback INPUT chain, minus the same with an empty table.
 */
final class IptablesBaseline {

  private IptablesBaseline() {}

  static long measure(NetNs ns, int rules) throws IOException, InterruptedException {
    Path file = Files.createTempFile("palisade-iptables", ".rules");
    try {
      StringBuilder sb = new StringBuilder("*filter\n:INPUT ACCEPT [0:0]\n");
      for (int i = 0; i < rules - 1; i++) {
        byte[] a = VerdictBenchmark.address(i);
        sb.append("-A INPUT -s ")
            .append(a[0] & 0xFF)
            .append('.')
            .append(a[1] & 0xFF)
            .append('.')
            .append(a[2] & 0xFF)
            .append('.')
            .append(a[3] & 0xFF)
            .append(" -p udp --dport ")
            .append(1000 + i % 50_000)
            .append(" -j ACCEPT\n");
      }
      sb.append("-A INPUT -s 127.0.0.1 -p udp --dport 9999 -j ACCEPT\nCOMMIT\n");
      Files.writeString(file, sb);
      int packets = rules >= 10_000 ? 20_000 : 200_000;
      long[] with = new long[3];
      long[] without = new long[3];
      for (int r = 0; r < 3; r++) {
        restore(ns, file);
        with[r] = send(ns, packets);
        Sh.must("ip", "netns", "exec", ns.name(), "iptables-legacy", "-F", "INPUT");
        without[r] = send(ns, packets);
      }
      Arrays.sort(with);
      Arrays.sort(without);
      Sh.run("ip", "netns", "exec", ns.name(), "iptables-legacy", "-F", "INPUT");
      return Math.max(0, (with[1] - without[1]) / packets);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void restore(NetNs ns, Path file) {
    Sh.must("ip", "netns", "exec", ns.name(), "sh", "-c", "iptables-legacy-restore < " + file);
  }

  /** Nanoseconds to send {@code packets} 64-byte datagrams to a socket that never reads. */
  private static long send(NetNs ns, int packets) throws IOException {
    try (DatagramChannel rx = ns.call(() -> DatagramChannel.open());
        DatagramChannel tx = ns.call(() -> DatagramChannel.open())) {
      rx.bind(new InetSocketAddress("127.0.0.1", 9999));
      tx.connect(new InetSocketAddress("127.0.0.1", 9999));
      ByteBuffer b = ByteBuffer.allocateDirect(64);
      for (int i = 0; i < 2000; i++) {
        b.clear();
        tx.write(b);
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < packets; i++) {
        b.clear();
        tx.write(b);
      }
      return System.nanoTime() - t0;
    }
  }
}
