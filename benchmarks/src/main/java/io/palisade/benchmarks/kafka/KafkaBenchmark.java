package io.palisade.benchmarks.kafka;

import io.palisade.crds.api.PortRuleKafka;
import io.palisade.pipeline.model.EndpointL7;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.policy.Direction;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.MapStateKey;
import io.palisade.proxy.ProxyOptions;
import io.palisade.proxy.kafka.KafkaConfig;
import io.palisade.proxy.kafka.KafkaProxy;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Produce throughput through the Kafka proxy against the same producer straight to the same broker,
 * in alternating rounds of one run. Apache Kafka's KRaft broker runs in this JVM with two
 * listeners: DIRECT, advertised as itself, and PROXIED, advertised at the proxy's port, so each
 * client stays on its path after the first metadata. Goal: through the proxy at least 80 % of
 * direct, as the median of the rounds' own ratios; beside it the CPU time each path costs per MiB
 * sent. Options: -Dbench.records=200000 -Dbench.size=1024 -Dbench.rounds=15 -Dbench.warmup=10
 * (full-size runs each way before the clock counts) -Dbench.threads=true (CPU by kind of thread).
 */
public final class KafkaBenchmark {

  private static final String HOST = "127.0.0.1";
  private static final String TOPIC = "empire-announce";

  public static void main(String[] args) throws Exception {
    // The shaded jar carries two SLF4J providers and JBoss's, listed first, has the broker's
    // request logger and the producer's per-record trace formatting every request and record as
    // text, in both paths; neither is what a broker or producer does in service.
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", "org.slf4j.nop.NOPServiceProvider");
    }
    int records = Integer.getInteger("bench.records", 200_000);
    int size = Integer.getInteger("bench.size", 1024);
    int rounds = Integer.getInteger("bench.rounds", 15);
    int warmup = Integer.getInteger("bench.warmup", 10);
    int proxyPort = freePort();
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp(
                "listeners", "EXTERNAL://localhost:0,DIRECT://localhost:0,CONTROLLER://localhost:0")
            .setConfigProp(
                "listener.security.protocol.map",
                "EXTERNAL:PLAINTEXT,DIRECT:PLAINTEXT,CONTROLLER:PLAINTEXT")
            .setConfigProp(
                "advertised.listeners",
                "EXTERNAL://" + HOST + ":" + proxyPort + ",DIRECT://" + HOST + ":0")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .build();
    try (cluster) {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      var broker = cluster.brokers().values().iterator().next();
      int external = broker.boundPort(new ListenerName("EXTERNAL"));
      int direct = broker.boundPort(new ListenerName("DIRECT"));
      try (KafkaProxy proxy =
          KafkaProxy.start(
              ProxyOptions.defaults()
                  .withTransparent(false)
                  .withUpstreamMark(0)
                  .withBindAddress(HOST)
                  .withBindPort(p -> proxyPort)
                  .withOriginalDestination((local, remote) -> new InetSocketAddress(HOST, 9092))
                  .withUpstreamAddress(d -> new InetSocketAddress(HOST, external)))) {
        proxy.update(KafkaConfig.of(node(), Map.of()));
        try (Admin admin = Admin.create(props(HOST + ":" + direct))) {
          admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        List<Run> straight = new ArrayList<>();
        List<Run> proxied = new ArrayList<>();
        // One producer per path for the whole run, as a service keeps its producer: a new one each
        // run put its connection's first requests and the JIT work they set off in the figures.
        try (KafkaProducer<byte[], byte[]> toBroker = producer(HOST + ":" + direct);
            KafkaProducer<byte[], byte[]> toProxy = producer(HOST + ":" + proxyPort)) {
          // The broker, the producer and the proxy are compiled while they run: short warm-ups
          // left the JIT compilers with a third to half of the process's CPU in the timed rounds.
          for (int w = 0; w < warmup; w++) {
            run(toBroker, "direct", records, size);
            run(toProxy, "proxied", records, size);
          }
          for (int r = 0; r < rounds; r++) {
            // Each round runs both paths back to back, the first path alternating, so that load
            // coming or going on the machine weighs on both alike; a round's ratio is its own.
            if (r % 2 == 0) {
              straight.add(run(toBroker, "direct", records, size));
              proxied.add(run(toProxy, "proxied", records, size));
            } else {
              proxied.add(run(toProxy, "proxied", records, size));
              straight.add(run(toBroker, "direct", records, size));
            }
          }
        }
        report(records, size, straight, proxied);
      }
    }
  }

  private static NodeL7 node() {
    L7Grant grant =
        new L7Grant(
            Direction.INGRESS,
            L7Parser.KAFKA,
            9092,
            9092,
            new PortRuleKafka("produce", null, null, null, TOPIC),
            Set.of(MapStateKey.ANY_IDENTITY));
    return new NodeL7(List.of(new EndpointL7("broker", List.of(HOST), 4242, List.of(grant))));
  }

  private static Properties props(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("client.id", "bench");
    return p;
  }

  /**
   * One timed run of a path's producer: records per second, and CPU time per MiB sent of the whole
   * process (producer, broker and proxy) and of the proxy's event loop alone. Throughput swings
   * with what else the machine runs; CPU time per MiB much less, so it shows the proxy's own cost.
   */
  record Run(
      double recordsPerSecond, double processMsPerMib, double mib, Map<String, Double> threadMs) {

    /**
     * CPU per MiB of the proxy's event loops: the only Netty epoll loops in this JVM (the broker
     * has none).
     */
    double loopMsPerMib() {
      return msPerMib("epollEventLoopGroup");
    }

    /** CPU per MiB of the JIT compiler threads: near zero once the run is warm. */
    double jitMsPerMib() {
      return msPerMib("CompilerThre");
    }

    private double msPerMib(String kind) {
      return threadMs.entrySet().stream()
              .filter(e -> e.getKey().contains(kind))
              .mapToDouble(Map.Entry::getValue)
              .sum()
          / mib;
    }
  }

  private static void report(int records, int size, List<Run> straight, List<Run> proxied) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < straight.size(); i++) {
      ratios.add(proxied.get(i).recordsPerSecond() / straight.get(i).recordsPerSecond());
    }
    double d = median(straight.stream().map(Run::recordsPerSecond).toList());
    double p = median(proxied.stream().map(Run::recordsPerSecond).toList());
    double cpuD = median(straight.stream().map(Run::processMsPerMib).toList());
    double cpuP = median(proxied.stream().map(Run::processMsPerMib).toList());
    System.out.printf(
        "Kafka produce, %d records of %d bytes, acks=1, median of %d rounds%n",
        records, size, straight.size());
    System.out.printf(
        "%-32s %12.0f records/s %8.1f MiB/s%n", "direct to the broker", d, mib(d, size));
    System.out.printf(
        "%-32s %12.0f records/s %8.1f MiB/s%n", "through the Kafka proxy", p, mib(p, size));
    System.out.printf(
        "through the proxy, by round: %s%n",
        String.join(", ", ratios.stream().map(x -> String.format("%.0f %%", 100 * x)).toList()));
    System.out.printf(
        "through the proxy: %.0f %% of direct, median of the rounds (goal: at least 80 %%)%n",
        100 * median(ratios));
    System.out.printf(
        "CPU per MiB sent, whole process: direct %.1f ms, through the proxy %.1f ms (%+.0f %%),"
            + " the proxy's loop %.1f ms; the JIT compilers' part: direct %.1f ms,"
            + " proxied %.1f ms%n",
        cpuD,
        cpuP,
        100 * (cpuP / cpuD - 1),
        median(proxied.stream().map(Run::loopMsPerMib).toList()),
        median(straight.stream().map(Run::jitMsPerMib).toList()),
        median(proxied.stream().map(Run::jitMsPerMib).toList()));
    if (Boolean.getBoolean("bench.threads")) {
      threads(straight, proxied);
    }
  }

  /**
   * Where each path's CPU goes, by kind of thread, over all rounds: the lines whose cost per MiB
   * differs most between the paths first.
   */
  private static void threads(List<Run> straight, List<Run> proxied) {
    Map<String, Double> d = perMib(straight);
    Map<String, Double> p = perMib(proxied);
    Set<String> kinds = new TreeSet<>(d.keySet());
    kinds.addAll(p.keySet());
    System.out.printf("CPU per MiB sent by kind of thread, all rounds (ms): direct, proxied%n");
    kinds.stream()
        .sorted(
            Comparator.comparingDouble(
                (String k) -> -Math.abs(p.getOrDefault(k, 0.0) - d.getOrDefault(k, 0.0))))
        .filter(k -> d.getOrDefault(k, 0.0) + p.getOrDefault(k, 0.0) >= 0.05)
        .forEach(
            k ->
                System.out.printf(
                    "  %-60s %6.2f %6.2f%n", k, d.getOrDefault(k, 0.0), p.getOrDefault(k, 0.0)));
  }

  private static Map<String, Double> perMib(List<Run> runs) {
    Map<String, Double> ms = new HashMap<>();
    double mib = 0;
    for (Run r : runs) {
      r.threadMs().forEach((k, v) -> ms.merge(k, v, Double::sum));
      mib += r.mib();
    }
    double total = mib;
    ms.replaceAll((k, v) -> v / total);
    return ms;
  }

  /** A producer with its metadata, so that the clock starts on records. */
  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = props(bootstrap);
    p.put("acks", "1");
    p.put("enable.idempotence", "false");
    p.put("linger.ms", "5");
    p.put("batch.size", Integer.toString(64 * 1024));
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    producer.partitionsFor(TOPIC);
    return producer;
  }

  /** {@code records} sent by {@code producer}, waiting for every ack. */
  private static Run run(
      KafkaProducer<byte[], byte[]> producer, String path, int records, int size) {
    byte[] value = new byte[size];
    Map<String, Double> threads0 = ThreadCpu.snapshot();
    long cpu0 = processCpuNanos();
    long t0 = System.nanoTime();
    for (int i = 0; i < records; i++) {
      producer.send(new ProducerRecord<>(TOPIC, value));
    }
    producer.flush();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double mib = (double) records * size / (1024 * 1024);
    long cpu = processCpuNanos() - cpu0;
    Run run =
        new Run(
            records / seconds,
            cpu / 1e6 / mib,
            mib,
            ThreadCpu.since(threads0, ThreadCpu.snapshot()));
    if (Boolean.getBoolean("bench.threads")) {
      System.out.printf(
          "  %-8s %8.0f records/s %6.1f ms/MiB, of which the JIT compilers %5.1f%n",
          path, run.recordsPerSecond(), run.processMsPerMib(), run.jitMsPerMib());
    }
    return run;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static double mib(double recordsPerSecond, int size) {
    return recordsPerSecond * size / (1024.0 * 1024.0);
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
