package io.palisade.benchmarks.xds;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.xds.XdsServer;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.pipeline.model.IdentityPolicy;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.policy.mapstate.MapStateEntry;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.xds.Target;
import io.palisade.xds.XdsPublisher;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.jboss.logmanager.LogContext;

/**
 * A policy change to ACKs from many xDS clients on real gRPC streams: the operator's ADS server
 * ({@link XdsServer} with {@link XdsPublisher}) on loopback and N minimal Envoy-like clients, each
 * on a channel of its own. Each change rewrites the HTTP rule of one identity present on every
 * node, so every client gets new routes; it is timed from just before {@code publish} until the
 * last client has acknowledged it. The baseline, in the same run with the same clients connected,
 * publishes the same change to one node only; the floor sends every node's routes again unchanged
 * under a new version ({@link XdsPublisher#resendRoutes}), so nothing is translated or checked and
 * what it costs is the responses, the clients' reads and their acks through java-control-plane. The
 * raw row ({@link RawGrpcRounds}) is the transport alone: the same number of clients on a plain
 * grpc-java bidi service exchanging a message of a routes response's size and an ack's.
 *
 * <p>The clients share one event loop ({@code --client-threads}, default 1) whose threads are
 * named, so the report can say how much of the machine's CPU the clients took and how much the
 * server: on a 2-core machine 1,000 clients in the same JVM are a real share of the cost.
 *
 * <p>{@code --clients 1000 --changes 200 --warmup 20 --baseline-changes 200 --client-threads 1}
 */
public final class XdsAckBenchmark {

  private static final long WEB = 1000;
  static final String CLIENT_THREADS = "ads-client";
  private static final long CLIENT = 2000;

  public static void main(String[] args) throws Exception {
    quietLogging();
    Map<String, Integer> opt =
        new HashMap<>(
            Map.of(
                "clients",
                1000,
                "changes",
                200,
                "warmup",
                20,
                "baseline-changes",
                200,
                "client-threads",
                1));
    for (int i = 0; i + 1 < args.length; i += 2) {
      String key = args[i].replaceFirst("^--", "");
      if (!opt.containsKey(key)) {
        throw new IllegalArgumentException(args[i] + ": unknown option; known: " + opt.keySet());
      }
      opt.put(key, Integer.parseInt(args[i + 1]));
    }
    int n = opt.get("clients");
    List<String> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      nodes.add(String.format(Locale.ROOT, "node-%04d", i));
    }
    XdsPublisher publisher = new XdsPublisher(new Target.Envoy());
    Acks acks = new Acks(publisher);
    publisher.addListener(acks);
    Map<String, Long> ipcache = new HashMap<>();
    ipcache.put("10.9.0.1/32", CLIENT);
    for (int i = 0; i < n; i++) {
      ipcache.put(address(i) + "/32", WEB);
    }
    long revision = 1;
    publisher.publish(revision, new NodeChanges(true, ipcache, Set.of(), states(nodes, revision)));
    try (XdsServer server =
        XdsServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            publisher,
            NodeStateSecurity.insecurePlainText())) {
      List<AdsClient> clients = new ArrayList<>();
      // The clients' own threads, named so that their CPU time can be told from the server's.
      EventLoopGroup loop =
          new NioEventLoopGroup(
              opt.get("client-threads"), new DefaultThreadFactory(CLIENT_THREADS, true));
      long t0 = System.nanoTime();
      CpuShare.Mark syncMark = CpuShare.mark();
      CountDownLatch first = acks.expect(revision, nodes);
      for (String node : nodes) {
        clients.add(new AdsClient(node, server.port(), loop));
      }
      if (!first.await(300, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "initial sync: " + acks.pending() + " clients never acknowledged revision 1");
      }
      System.out.printf(
          Locale.ROOT,
          "initial sync: %d clients connected and acknowledged in %.0f ms (%s)%n",
          n,
          (System.nanoTime() - t0) / 1e6,
          syncMark.since());
      CpuShare.Mark changesMark = CpuShare.mark();

      long[] all = new long[opt.get("changes")];
      long[] publishAll = new long[all.length];
      long[] floor = new long[all.length];
      long[] publishFloor = new long[all.length];
      long[] one = new long[opt.get("baseline-changes")];
      long[] publishOne = new long[one.length];
      long[] raw = new long[all.length];
      long[] sentRaw = new long[all.length];
      RawGrpcRounds transport =
          new RawGrpcRounds(
              n,
              routesResponse(publisher, nodes.getFirst(), revision).toByteArray(),
              routesAck(publisher, nodes.getFirst(), revision).toByteArray(),
              XdsPublisher.RESPONSE_LANES,
              loop);
      for (int w = 0; w < opt.get("warmup"); w++) {
        change(publisher, acks, nodes, ++revision);
        resend(publisher, acks, nodes, ++revision);
        transport.round();
        change(publisher, acks, nodes.subList(0, 1), ++revision);
      }
      // Interleaved, so that all three see the same machine load.
      int rounds = Math.max(all.length, one.length);
      for (int i = 0; i < rounds; i++) {
        if (i < all.length) {
          long[] t = change(publisher, acks, nodes, ++revision);
          all[i] = t[0];
          publishAll[i] = t[1];
          t = resend(publisher, acks, nodes, ++revision);
          floor[i] = t[0];
          publishFloor[i] = t[1];
          t = transport.round();
          raw[i] = t[0];
          sentRaw[i] = t[1];
        }
        if (i < one.length) {
          long[] t = change(publisher, acks, nodes.subList(0, 1), ++revision);
          one[i] = t[0];
          publishOne[i] = t[1];
        }
      }
      for (AdsClient c : clients) {
        if (c.failure() != null) {
          throw new IllegalStateException("a client's stream failed", c.failure());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%-34s %6s %10s %10s %10s %16s%n",
          "change -> all acks",
          "n",
          "p50",
          "p90",
          "p99",
          "publish p50/p99");
      report(n + " clients", all, publishAll);
      report(n + " clients, routes resent (floor)", floor, publishFloor);
      report(n + " clients, raw gRPC (transport)", raw, sentRaw);
      report("1 client (baseline, same run)", one, publishOne);
      System.out.println("goal: p50 < 10 ms, p99 < 100 ms for " + n + " clients");
      System.out.println(
          "CPU over the measured changes (all, floor, baseline and warmup): "
              + changesMark.since());
      transport.close();
      for (AdsClient c : clients) {
        c.close();
      }
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
    publisher.close(); // After the server, as the operator does.
  }

  /**
   * Loggers at INFO, as in the operator (Quarkus' default). The operator's jar brings JBoss
   * LogManager, which, with no Quarkus application to configure it, leaves every logger at DEBUG:
   * Netty's HTTP/2 frame logger then formats every frame of the server and of the 1,000 clients, a
   * large share of this process's CPU that the operator never spends.
   */
  static void quietLogging() {
    LogContext.getLogContext().getLogger("").setLevel(Level.INFO);
  }

  /** The RDS response {@code node} was last sent, as the server writes it (for its size). */
  private static DiscoveryResponse routesResponse(
      XdsPublisher publisher, String node, long revision) {
    DiscoveryResponse.Builder b =
        DiscoveryResponse.newBuilder()
            .setVersionInfo(Long.toString(revision))
            .setTypeUrl(Resources.V3.ROUTE_TYPE_URL)
            .setNonce(Long.toString(revision));
    publisher.current(node).orElseThrow().routes().forEach(r -> b.addResources(Any.pack(r)));
    return b.build();
  }

  /** The ACK of that response, as {@link AdsClient} sends it (for its size). */
  private static DiscoveryRequest routesAck(XdsPublisher publisher, String node, long revision) {
    DiscoveryRequest.Builder b =
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId(node))
            .setTypeUrl(Resources.V3.ROUTE_TYPE_URL)
            .setVersionInfo(Long.toString(revision))
            .setResponseNonce(Long.toString(revision));
    publisher.current(node).orElseThrow().routes().forEach(r -> b.addResourceNames(r.getName()));
    return b.build();
  }

  /** Publishes the rule of {@code revision} to {@code nodes}; returns [to all acks, publish] ns. */
  private static long[] change(XdsPublisher publisher, Acks acks, List<String> nodes, long revision)
      throws InterruptedException {
    Map<String, LocalState> states = states(nodes, revision);
    NodeChanges changes = new NodeChanges(false, Map.of(), Set.of(), states);
    return timed(acks, nodes, revision, () -> publisher.publish(revision, changes));
  }

  /**
   * The floor: the routes {@code nodes} hold, sent again under {@code revision}'s version with no
   * translation or check, so only the responses and acks are timed; returns as {@link #change}.
   */
  private static long[] resend(XdsPublisher publisher, Acks acks, List<String> nodes, long revision)
      throws InterruptedException {
    return timed(
        acks,
        nodes,
        revision,
        () -> {
          if (publisher.resendRoutes(revision, nodes).size() != nodes.size()) {
            throw new IllegalStateException("revision " + revision + ": not every node has routes");
          }
        });
  }

  private static long[] timed(Acks acks, List<String> nodes, long revision, Runnable publish)
      throws InterruptedException {
    CountDownLatch done = acks.expect(revision, nodes);
    long t0 = System.nanoTime();
    publish.run();
    long published = System.nanoTime();
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "revision " + revision + ": " + acks.pending() + " clients did not acknowledge");
    }
    return new long[] {acks.doneAt() - t0, published - t0};
  }

  private static void report(String what, long[] total, long[] publish) {
    long[] t = total.clone();
    long[] p = publish.clone();
    Arrays.sort(t);
    Arrays.sort(p);
    System.out.printf(
        Locale.ROOT,
        "%-34s %6d %8.2f ms %8.2f ms %8.2f ms %7.2f / %.2f ms%n",
        what,
        t.length,
        pct(t, 0.5) / 1e6,
        pct(t, 0.9) / 1e6,
        pct(t, 0.99) / 1e6,
        pct(p, 0.5) / 1e6,
        pct(p, 0.99) / 1e6);
  }

  private static long pct(long[] sorted, double f) {
    int rank = (int) Math.ceil(f * sorted.length);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
  }

  private static String address(int i) {
    return "10.1." + (i / 250) + "." + (i % 250 + 1);
  }

  /** Each node: one web pod (identity WEB) whose port 80 takes GET /v1/rev-R from CLIENT. */
  private static Map<String, LocalState> states(List<String> nodes, long revision) {
    MapStateEntry redirect =
        MapStateEntry.redirect(
            L7Policy.http(
                List.of(new PortRuleHTTP("/v1/rev-" + revision, "GET", null, null, null))));
    IdentityPolicy policy =
        new IdentityPolicy(
            WEB,
            Set.of(Direction.INGRESS),
            Map.of(MapStateKey.port(Direction.INGRESS, CLIENT, Protocol.TCP, 80), redirect));
    Map<String, LocalState> out = new HashMap<>();
    for (String node : nodes) {
      int i = Integer.parseInt(node.substring(5));
      String id = "default/web-" + i;
      out.put(
          node,
          new LocalState(
              Map.of(id, new EndpointState(id, List.of(address(i)), WEB, true, false)),
              Map.of(WEB, policy)));
    }
    return out;
  }

  /** Counts the clients that acknowledged the revision of the round under way. */
  private static final class Acks implements XdsPublisher.Listener {
    private final XdsPublisher publisher;
    private volatile long revision;
    private volatile Set<String> pending = Set.of();
    private volatile CountDownLatch done = new CountDownLatch(0);
    private volatile long doneAt;

    Acks(XdsPublisher publisher) {
      this.publisher = publisher;
    }

    CountDownLatch expect(long revision, List<String> nodes) {
      Set<String> p = ConcurrentHashMap.newKeySet();
      p.addAll(nodes);
      this.done = new CountDownLatch(1);
      this.pending = p;
      this.revision = revision;
      return done;
    }

    @Override
    public void changed(String node) {
      Set<String> p = pending;
      if (publisher.ackedRevision(node) >= revision && p.remove(node) && p.isEmpty()) {
        doneAt = System.nanoTime();
        done.countDown();
      }
    }

    int pending() {
      return pending.size();
    }

    long doneAt() {
      return doneAt;
    }
  }
}
