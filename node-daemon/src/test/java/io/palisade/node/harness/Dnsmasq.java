package io.palisade.node.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's dnsmasq as a namespace's DNS server: no upstream, no hosts file, only the names it is
 * given, each answered with its one address. Ready once it answers the first name on the
 * namespace's own loopback, which no Palisade program sees; it runs until closed.
 */
public final class Dnsmasq implements AutoCloseable {

  private final Process process;
  private final Path pidFile;

  private Dnsmasq(Process process, Path pidFile) {
    this.process = process;
    this.pidFile = pidFile;
  }

  /**
   * Starts dnsmasq inside {@code ns} on {@code port}, answering each of {@code names} with its
   * address, with TTL {@code ttlSeconds} (0: dnsmasq's default).
   *
   * @throws IllegalStateException when it did not answer within 10 s: a probe that cannot run fails
   *     its test instead of reading as a refusal
   */
  public static Dnsmasq start(NetNs ns, int port, int ttlSeconds, Map<String, String> names)
      throws Exception {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("dnsmasq needs at least one name to answer");
    }
    Path pid = Files.createTempFile("palisade-dnsmasq", ".pid");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ip",
                "netns",
                "exec",
                ns.name(),
                Tools.require("dnsmasq").toString(),
                "--keep-in-foreground",
                "--no-resolv",
                "--no-hosts",
                "--conf-file=/dev/null",
                "--port=" + port,
                "--user=root",
                "--group=root",
                "--pid-file=" + pid));
    if (ttlSeconds > 0) {
      cmd.add("--local-ttl=" + ttlSeconds);
    }
    names.forEach((name, address) -> cmd.add("--host-record=" + name + "," + address));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Dnsmasq dnsmasq = new Dnsmasq(p, pid);
    String first = names.keySet().iterator().next();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (DnsProbe.queryA(ns, "127.0.0.1", port, first, Duration.ofMillis(200)).isEmpty()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        dnsmasq.close();
        throw new IllegalStateException("dnsmasq did not start in " + ns.name());
      }
    }
    return dnsmasq;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Files.deleteIfExists(pidFile);
  }
}
