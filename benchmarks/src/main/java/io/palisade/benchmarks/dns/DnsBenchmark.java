package io.palisade.benchmarks.dns;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.policy.fqdn.FqdnMatcher;
import io.palisade.proxy.ProxyOptions;
import io.palisade.proxy.dns.DnsAnswerListener;
import io.palisade.proxy.dns.DnsProxy;
import io.palisade.proxy.dns.DnsVerdict;
import io.palisade.xds.ProxyMark;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DNS query latency added by the node's DNS proxy, on loopback: the same A query over UDP straight
 * to Debian's dnsmasq and through the proxy (a {@code rules.dns} pattern checked, the query
 * forwarded, the answer read back), in alternating rounds of the same run, and once more through
 * the proxy with an answer listener, the hand-off that a {@code toFQDNs} name takes (the listener
 * itself does nothing here: the datapath write is not measured). One query in flight at a time.
 */
public final class DnsBenchmark {

  private static final Path DNSMASQ = Path.of("/usr/sbin/dnsmasq");

  private DnsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int queries = Integer.getInteger("bench.queries", 5_000);
    int rounds = Integer.getInteger("bench.rounds", 5);
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!Files.isExecutable(DNSMASQ)) {
      throw new IllegalStateException(DNSMASQ + " is missing: apt-get install dnsmasq-base");
    }
    int port = freePort();
    Process dnsmasq =
        new ProcessBuilder(
                DNSMASQ.toString(),
                "--keep-in-foreground",
                "--no-resolv",
                "--no-hosts",
                "--conf-file=/dev/null",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--port=" + port,
                "--local-ttl=60",
                "--pid-file=",
                "--user=" + (root ? "root" : System.getProperty("user.name")),
                "--host-record=api.example.com,10.1.2.3")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    InetSocketAddress direct = new InetSocketAddress("127.0.0.1", port);
    FqdnMatcher rule = FqdnMatcher.of(new FQDNSelector(null, "*.example.com"));
    ProxyOptions options =
        ProxyOptions.defaults()
            .withTransparent(root)
            .withUpstreamMark(root ? ProxyMark.FROM_PROXY : 0)
            .withBindAddress("127.0.0.1")
            .withBindPort(p -> 0)
            .withOriginalDestination((local, remote) -> direct);
    try (DnsProxy plain = DnsProxy.start(options, DnsAnswerListener.NONE);
        DnsProxy learning = DnsProxy.start(options, answer -> {})) {
      for (DnsProxy p : List.of(plain, learning)) {
        p.policy(
            (client, server, name) ->
                rule.matches(name) ? DnsVerdict.allowed(rule.key()) : DnsVerdict.refused(name));
        p.listen(Set.of(15054));
      }
      InetSocketAddress viaProxy = new InetSocketAddress("127.0.0.1", plain.localPort(15054));
      InetSocketAddress viaLearning = new InetSocketAddress("127.0.0.1", learning.localPort(15054));
      waitFor(direct);
      // Warm up the JIT on every path before anything is counted.
      measure(direct, queries);
      measure(viaProxy, queries);
      measure(viaLearning, queries);
      long[] d = new long[0];
      long[] p = new long[0];
      long[] l = new long[0];
      for (int r = 0; r < rounds; r++) {
        d = concat(d, measure(direct, queries));
        p = concat(p, measure(viaProxy, queries));
        l = concat(l, measure(viaLearning, queries));
      }
      System.out.printf(
          "DNS A query over UDP on loopback, %d queries x %d rounds, one in flight%s%n",
          queries, rounds, root ? " (root: transparent, marked sockets)" : "");
      System.out.printf("%-44s %8s %8s %8s%n", "", "p50 us", "p90 us", "p99 us");
      row("straight to dnsmasq (baseline)", d);
      row("through the proxy (rules.dns)", p);
      row("through the proxy, answer listener hand-off", l);
      System.out.printf(
          "added at p50: %.1f us (rules.dns), %.1f us (with the hand-off); goal < 100 us%n",
          (pct(p, 50) - pct(d, 50)) / 1000.0, (pct(l, 50) - pct(d, 50)) / 1000.0);
      System.out.printf(
          "forwarded %d, refused %d%n", plain.counts().allowed(), plain.counts().refused());
    } finally {
      dnsmasq.destroy();
      dnsmasq.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static long[] measure(InetSocketAddress server, int n) throws IOException {
    long[] out = new long[n];
    byte[] buf = new byte[1500];
    try (DatagramChannel ch = DatagramChannel.open()) {
      ch.connect(server);
      ch.socket().setSoTimeout(5000);
      Message q =
          Message.newQuery(Record.newRecord(Name.fromString("api.example.com."), Type.A, 1));
      for (int i = 0; i < n; i++) {
        q.getHeader().setID(i & 0xffff);
        byte[] wire = q.toWire();
        long start = System.nanoTime();
        ch.write(ByteBuffer.wrap(wire));
        int len = receive(ch, buf);
        out[i] = System.nanoTime() - start;
        if (len < 12 || (buf[3] & 0xf) != 0) {
          throw new IllegalStateException("query " + i + " to " + server + " failed");
        }
      }
    }
    return out;
  }

  private static int receive(DatagramChannel ch, byte[] buf) throws IOException {
    java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
    ch.socket().receive(p);
    return p.getLength();
  }

  private static void waitFor(InetSocketAddress server) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      try {
        measure(server, 1);
        return;
      } catch (IOException | RuntimeException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("dnsmasq did not answer on " + server);
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static long pct(long[] xs, int p) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  private static void row(String name, long[] xs) {
    System.out.printf(
        "%-44s %8.1f %8.1f %8.1f%n",
        name, pct(xs, 50) / 1000.0, pct(xs, 90) / 1000.0, pct(xs, 99) / 1000.0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
