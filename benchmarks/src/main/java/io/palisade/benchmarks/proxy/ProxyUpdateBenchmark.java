package io.palisade.benchmarks.proxy;

import io.palisade.node.fqdn.NodeDnsPolicy;
import io.palisade.node.stream.PeerNames;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeL7;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.identity.ParsedIpcache;
import io.palisade.proto.codec.CompactIpcache;
import io.palisade.proxy.kafka.KafkaConfig;
import io.palisade.xds.L7Translator;
import io.palisade.xds.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * What the embedded proxy's update costs a node on every revision, before its maps are written: the
 * Envoy-form translation of its HTTP rules, its Kafka config and its DNS policy, over peers of
 * Cilium's scale shape (30,000 pod addresses), handed over as a streaming node hands them ({@link
 * PeerNames}: text over the parsed form). A node without L7 rules, the same node with one HTTP rule
 * from a peer selector, that rule over peers as text only (file mode), and as the baseline of the
 * same run, parsing the peers once: what each of the three did on every revision of every node
 * before they read the peers only for rules that need them, and parsed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class ProxyUpdateBenchmark {

  private Map<String, Long> peers;
  private Map<String, Long> nodePeers;
  private LocalState withoutL7;
  private LocalState withHttp;

  @Setup
  public void buildTheNode() {
    peers = new HashMap<>();
    for (int node = 0; node < 1000; node++) {
      for (int pod = 0; pod < 30; pod++) {
        peers.put(
            "10." + (node >> 8) + "." + (node & 0xFF) + "." + (pod + 2) + "/32",
            256L + (node * 30L + pod) % 6000);
      }
    }
    withoutL7 = deathstarNode(StarWars.RULE1);
    withHttp = deathstarNode(L7Policies.DEATHSTAR_L7);
    nodePeers = new PeerNames(CompactIpcache.of(ParsedIpcache.of(peers)));
  }

  private LocalState deathstarNode(String policy) {
    var state =
        new NodeStateComputer(new InMemoryIdentityAllocator())
            .compute(StarWars.snapshot(StarWars.workloads(), policy));
    peers.putAll(state.ipcache());
    return state.nodes().get("node-a");
  }

  private void update(LocalState local, Map<String, Long> peers, Blackhole out) {
    NodeL7 l7 = NodeL7.of(local);
    out.consume(L7Translator.translate(l7, peers, new Target.Envoy()));
    out.consume(KafkaConfig.of(l7, peers));
    out.consume(NodeDnsPolicy.of(local, peers));
  }

  @Benchmark
  public void updateWithoutL7Rules(Blackhole out) {
    update(withoutL7, nodePeers, out);
  }

  @Benchmark
  public void updateWithAnHttpRule(Blackhole out) {
    update(withHttp, nodePeers, out);
  }

  @Benchmark
  public void updateWithAnHttpRuleFromText(Blackhole out) {
    update(withHttp, peers, out);
  }

  @Benchmark
  public TreeMap<CidrPrefix, Long> parsePeersOnce() {
    TreeMap<CidrPrefix, Long> parsed = new TreeMap<>();
    peers.forEach((prefix, id) -> parsed.put(CidrPrefix.read(prefix), id));
    return parsed;
  }

  /** Runs the three and prints each update beside parsing the peers once, from the same run. */
  public static void main(String[] args) throws Exception {
    CommandLineOptions cli = new CommandLineOptions(args);
    OptionsBuilder options = new OptionsBuilder();
    options.parent(cli);
    if (cli.getIncludes().isEmpty()) {
      options.include(ProxyUpdateBenchmark.class.getName());
    }
    Map<String, Double> micros = new HashMap<>();
    for (RunResult r : new Runner(options.build()).run()) {
      String method = r.getParams().getBenchmark();
      micros.put(method.substring(method.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    double baseline = micros.getOrDefault("parsePeersOnce", Double.NaN);
    System.out.printf(
        Locale.ROOT, "%n%-28s %14s %18s%n", "30,000 peers", "µs/revision", "× parsing once");
    for (String m :
        List.of(
            "parsePeersOnce",
            "updateWithoutL7Rules",
            "updateWithAnHttpRule",
            "updateWithAnHttpRuleFromText")) {
      double us = micros.getOrDefault(m, Double.NaN);
      System.out.printf(Locale.ROOT, "%-28s %14.1f %18.3f%n", m, us, us / baseline);
    }
  }
}
