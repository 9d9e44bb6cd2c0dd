package io.palisade.benchmarks.proxy;

import com.sun.net.httpserver.HttpServer;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.proxy.EmbeddedProxy;
import io.palisade.proxy.ProxyOptions;
import io.palisade.xds.L7Translator;
import io.palisade.xds.NodeResources;
import io.palisade.xds.ProxyMark;
import io.palisade.xds.Target;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded L7 proxy on loopback, enforcing the Star Wars demo's rule (translated by
 * L7Translator, as the node daemon would get it): latency of {@code POST /v1/request-landing} on a
 * keep-alive connection through the proxy against the same request sent straight to the same
 * upstream, in alternating rounds of the same run, then requests per second with several
 * connections, both ways. Every count and duration is bounded.
 */
public final class ProxyBenchmark {

  private static final String DEATHSTAR = "127.0.0.10";
  private static final String TIEFIGHTER = "127.0.0.11";

  private ProxyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int requests = Integer.getInteger("bench.requests", 20_000);
    int rounds = Integer.getInteger("bench.rounds", 5);
    int connections = Integer.getInteger("bench.connections", 4);
    int seconds = Integer.getInteger("bench.seconds", 5);
    int threads = Integer.getInteger("bench.proxyThreads", 1);
    boolean root = "root".equals(System.getProperty("user.name"));

    HttpServer upstream = HttpServer.create(new InetSocketAddress(DEATHSTAR, 0), 128);
    byte[] body = "Ship landed".getBytes();
    upstream.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    upstream.setExecutor(Executors.newFixedThreadPool(2));
    upstream.start();
    InetSocketAddress direct = upstream.getAddress();

    ProxyOptions options =
        ProxyOptions.defaults()
            .withWorkerThreads(threads)
            .withTransparent(root)
            .withUpstreamMark(root ? ProxyMark.FROM_PROXY : 0)
            .withBindPort(p -> 0)
            .withOriginalDestination(
                (local, remote) -> new InetSocketAddress(local.getAddress(), 80))
            .withUpstreamAddress(d -> direct);
    try (EmbeddedProxy proxy = EmbeddedProxy.start(options)) {
      proxy.update(resources());
      InetSocketAddress through = new InetSocketAddress(DEATHSTAR, proxy.localPort(15080));
      System.out.printf(
          "Embedded L7 proxy benchmark: POST /v1/request-landing, Star Wars rule1 enforced"
              + " (IP_TRANSPARENT and SO_MARK %s), %d proxy event loop thread(s), %d rounds of %d"
              + " requests each way%n",
          root ? "on" : "off, not root", threads, rounds, requests);
      // Warm-up: the JIT and both connection paths.
      latencies(direct, requests);
      latencies(through, requests);
      List<long[]> d = new ArrayList<>();
      List<long[]> p = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        d.add(latencies(direct, requests));
        p.add(latencies(through, requests));
      }
      long[] directAll = concat(d);
      long[] proxyAll = concat(p);
      System.out.println();
      System.out.println("latency, one keep-alive connection (µs)   p50      p90      p99");
      row("direct to the upstream (baseline)", directAll);
      row("through the embedded proxy", proxyAll);
      System.out.printf(
          "%-40s %7.1f  %7.1f  %7.1f   (goal: under 200 µs at p50)%n",
          "added by the proxy",
          (pct(proxyAll, 50) - pct(directAll, 50)) / 1000.0,
          (pct(proxyAll, 90) - pct(directAll, 90)) / 1000.0,
          (pct(proxyAll, 99) - pct(directAll, 99)) / 1000.0);
      System.out.println();
      double directRps = throughput(direct, connections, seconds);
      double proxyRps = throughput(through, connections, seconds);
      System.out.printf(
          "requests per second, %d keep-alive connections, %d s each%n", connections, seconds);
      System.out.printf("%-40s %,10.0f%n", "direct to the upstream (baseline)", directRps);
      System.out.printf(
          "%-40s %,10.0f   (%.0f%% of direct)%n",
          "through the embedded proxy", proxyRps, 100 * proxyRps / directRps);
    } finally {
      upstream.stop(0);
      ((ExecutorService) upstream.getExecutor()).shutdownNow();
    }
  }

  /** The translator's resources for the deathstar's node under the demo's own L7 rule. */
  static NodeResources resources() throws IOException {
    String rule1 = Files.readString(Path.of("config/samples/l7/deathstar-l7.yaml"));
    ClusterSnapshot snapshot =
        new ClusterSnapshot(
            List.of(new Namespace("default", Map.of())),
            List.of(
                StarWars.workload(
                    "deathstar",
                    "node-a",
                    DEATHSTAR,
                    Map.of("org", "empire", "class", "deathstar")),
                StarWars.workload(
                    "tiefighter",
                    "node-b",
                    TIEFIGHTER,
                    Map.of("org", "empire", "class", "tiefighter"))),
            StarWars.rules(rule1));
    DesiredState state = new NodeStateComputer(new InMemoryIdentityAllocator()).compute(snapshot);
    return L7Translator.translate(
        NodeL7.of(state.node("node-a")), state.ipcache(), new Target.Envoy());
  }

  private static long[] latencies(InetSocketAddress target, int n) throws IOException {
    long[] out = new long[n];
    try (KeepAliveClient c =
        new KeepAliveClient(TIEFIGHTER, target, "POST", "/v1/request-landing", 200)) {
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        c.exchange();
        out[i] = System.nanoTime() - t0;
      }
    }
    return out;
  }

  private static double throughput(InetSocketAddress target, int connections, int seconds)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    AtomicBoolean stop = new AtomicBoolean();
    try {
      List<Future<Long>> counts = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < connections; i++) {
        counts.add(
            pool.submit(
                () -> {
                  long n = 0;
                  try (KeepAliveClient c =
                      new KeepAliveClient(TIEFIGHTER, target, "POST", "/v1/request-landing", 200)) {
                    while (!stop.get()) {
                      c.exchange();
                      n++;
                    }
                  }
                  return n;
                }));
      }
      Thread.sleep(seconds * 1000L);
      stop.set(true);
      long total = 0;
      for (Future<Long> f : counts) {
        total += f.get();
      }
      return total / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void row(String name, long[] sorted) {
    System.out.printf(
        "%-40s %7.1f  %7.1f  %7.1f%n",
        name, pct(sorted, 50) / 1000.0, pct(sorted, 90) / 1000.0, pct(sorted, 99) / 1000.0);
  }

  private static long[] concat(List<long[]> parts) {
    long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  /** The exact percentile of sorted values (nearest rank). */
  private static long pct(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
