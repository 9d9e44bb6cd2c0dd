package io.palisade.proxy.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Debian's dnsmasq on 127.0.0.1 and a free port, serving fixed records only ({@code --host-record},
 * nothing from the machine's own files or resolvers), with a fixed TTL. A machine without it fails
 * the test naming the package.
 */
public final class Dnsmasq implements AutoCloseable {

  private static final Path BINARY = Path.of("/usr/sbin/dnsmasq");

  private final Process process;
  private final Path pid;
  private final int port;

  private Dnsmasq(Process process, Path pid, int port) {
    this.process = process;
    this.pid = pid;
    this.port = port;
  }

  /** Starts it with {@code name,address} host records answered with {@code ttl} seconds. */
  public static Dnsmasq start(int ttl, String... hostRecords) throws Exception {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's dnsmasq-base (apt-get install dnsmasq-base)");
    }
    int port = freePort();
    Path pid = Files.createTempFile("palisade-dnsmasq", ".pid");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                BINARY.toString(),
                "--keep-in-foreground",
                "--no-resolv",
                "--no-hosts",
                "--conf-file=/dev/null",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--port=" + port,
                "--local-ttl=" + ttl,
                "--user=root",
                "--group=root",
                "--pid-file=" + pid));
    for (String r : hostRecords) {
      cmd.add("--host-record=" + r);
    }
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Dnsmasq d = new Dnsmasq(p, pid, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String probe = hostRecords[0].split(",")[0];
    while (true) {
      try {
        if (d.query(d.address(), probe, false).getRcode() == Rcode.NOERROR) {
          return d;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        d.close();
        throw new IllegalStateException("dnsmasq did not start on 127.0.0.1:" + port);
      }
      Thread.sleep(50);
    }
  }

  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** One A query to {@code server} over UDP or TCP, with a 5 s timeout and no retry. */
  public static Message query(InetSocketAddress server, String name, boolean tcp)
      throws IOException {
    SimpleResolver r = new SimpleResolver(server);
    r.setTCP(tcp);
    r.setTimeout(Duration.ofSeconds(5));
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, 1)));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(pid);
  }
}
