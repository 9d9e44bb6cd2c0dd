package io.palisade.node.harness;

import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathState;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.flow.FlowEndpoint;
import io.palisade.policy.flow.Outcome;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A node under test: the namespaces, echo servers in every pod and on the outside host, and the
 * datapath loaded in the node namespace with its maps pinned under a directory unique to the run.
 * {@link #enforce} computes MapState with the policy engine from YAML and applies it; {@link
 * #check} probes real packets and returns every flow whose outcome differs from the engine's.
 * Closing removes programs, pins and namespaces, also after a failure.
 */
public final class DatapathFixture implements AutoCloseable {

  public static final List<Integer> TCP_PORTS = List.of(80, 8080, 8999, 9000, 9003, 9005, 9006);
  public static final List<Integer> UDP_PORTS = List.of(53);
  public static final Duration TIMEOUT = Duration.ofMillis(2000);

  private final String run = UUID.randomUUID().toString().substring(0, 6);
  private final Path pinRoot = Path.of("/sys/fs/bpf/palisade-test-" + run);
  private final BpfFsGuard bpfFs = new BpfFsGuard();
  private final Topology topology;
  private final List<EchoServers> servers = new ArrayList<>();
  private final Path policyDir;
  private Datapath datapath;
  private ClusterPolicy policy;
  private DatapathState desired;

  public DatapathFixture(List<PodSpec> pods, List<String> outside) {
    this(pods, outside, Topology.Wiring.ROUTED);
  }

  /** A node whose pods are wired as {@code wiring} says. */
  public DatapathFixture(List<PodSpec> pods, List<String> outside, Topology.Wiring wiring) {
    Topology t = null;
    try {
      policyDir = Files.createTempDirectory("palisade-policies");
      t = Topology.create(run, pods, outside, wiring);
      for (Topology.PodNet p : t.pods()) {
        servers.add(EchoServers.start(p.netns(), TCP_PORTS, UDP_PORTS));
      }
      if (t.outside() != null) {
        servers.add(EchoServers.start(t.outside(), TCP_PORTS, UDP_PORTS));
      }
      topology = t;
      datapath = topology.node().call(() -> Datapath.open(pinRoot));
    } catch (IOException | RuntimeException e) {
      if (t != null) {
        t.close();
      }
      bpfFs.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  public Topology topology() {
    return topology;
  }

  public Datapath datapath() {
    return datapath;
  }

  /** Where {@link #prepare} wrote the policy (policy.yaml) and the inventory (cluster.yaml.txt). */
  public Path policyDir() {
    return policyDir;
  }

  public Path pinRoot() {
    return pinRoot;
  }

  public ClusterPolicy policy() {
    return policy;
  }

  public DatapathState desired() {
    return desired;
  }

  /** Loads {@code yaml} (empty for no policy), resolves it and applies it to the datapath. */
  public ApplyResult enforce(String yaml) {
    return apply(prepare(yaml));
  }

  /**
   * Resolves {@code yaml} into the engine's verdicts and a desired state without applying it; also
   * writes it to {@link #policyDir()}, where a daemon process can read it.
   */
  public DatapathState prepare(String yaml) {
    try {
      try (var files = Files.list(policyDir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      if (!yaml.isBlank()) { // an empty policy file is an error; no policy is no file
        Files.writeString(policyDir.resolve("policy.yaml"), yaml);
      }
      LoadResult loaded = new PolicyLoader().load(List.of(policyDir));
      if (!loaded.valid()) {
        throw new IllegalArgumentException("invalid test policy: " + loaded.errors());
      }
      ClusterParser.Result inventory = new ClusterParser().parse(topology.clusterYaml());
      if (!inventory.errors().isEmpty()) {
        throw new IllegalArgumentException("bad inventory: " + inventory.errors());
      }
      var allocator = new InMemoryIdentityAllocator();
      policy = new ClusterPolicy(inventory.cluster(), loaded.policySet().rules(), allocator);
      desired = ClusterState.of(policy, allocator, topology.veths());
      Files.writeString(policyDir.resolve("cluster.yaml.txt"), topology.clusterYaml());
      return desired;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies a desired state on the node's thread (interface lookups and tc are per namespace). */
  public ApplyResult apply(DatapathState state) {
    return topology.node().call(() -> datapath.apply(state));
  }

  /** Closes the datapath's handles (as a killed daemon would) and opens a new one. */
  public void restartDaemon() {
    datapath.close();
    datapath = topology.node().call(() -> Datapath.open(pinRoot));
  }

  /** Closes the datapath's handles only: what a killed daemon leaves. */
  public void killDaemon() {
    datapath.close();
  }

  /** Starts a daemon again after {@link #killDaemon}. */
  public void startDaemon() {
    datapath = topology.node().call(() -> Datapath.open(pinRoot));
  }

  /** What the engine says about a flow. */
  public Outcome expected(Flow f) {
    FlowEndpoint src = policy.endpoint(f.from()).orElseThrow();
    FlowEndpoint dst = policy.endpoint(f.to()).orElseThrow();
    int proto;
    int port = f.port();
    boolean v6 = address(f.to()).contains(":");
    switch (f.protocol()) {
      case "TCP" -> proto = 6;
      case "UDP" -> proto = 17;
      default -> {
        proto = v6 ? 58 : 1;
        port = v6 ? 128 : 8;
      }
    }
    return policy.decide(src, dst, proto, port).outcome();
  }

  /** Whether a real packet of {@code f} gets through (and its reply back). */
  public boolean reachable(Flow f) {
    NetNs from = topology.pod(f.from()).netns();
    String to = address(f.to());
    return switch (f.protocol()) {
      case "TCP" -> Probes.tcp(from, to, f.port(), TIMEOUT);
      case "UDP" -> Probes.udp(from, to, f.port(), TIMEOUT);
      default -> Probes.icmp(from, to, TIMEOUT);
    };
  }

  public String address(String podOrAddress) {
    return podOrAddress.contains("/") ? topology.pod(podOrAddress).spec().ip() : podOrAddress;
  }

  /** Probes every flow in parallel; returns the ones whose reachability is not the engine's. */
  public Map<Flow, String> check(List<Flow> flows) {
    Map<Flow, Future<Boolean>> running = new LinkedHashMap<>();
    Map<Flow, String> mismatches = new LinkedHashMap<>();
    try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Flow f : flows) {
        running.put(f, pool.submit(() -> reachable(f)));
      }
      for (Map.Entry<Flow, Future<Boolean>> e : running.entrySet()) {
        Outcome want = expected(e.getKey());
        boolean got = e.getValue().get();
        // No L7 proxy runs on the node: a redirected flow fails closed, as a denied one does.
        boolean shouldPass = want == Outcome.ALLOWED;
        if (got != shouldPass) {
          mismatches.put(e.getKey(), "engine " + want + ", packets " + (got ? "pass" : "dropped"));
        }
      }
    } catch (ExecutionException e) {
      // A probe that could not run is the harness's failure, never a mismatch.
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return mismatches;
  }

  /** Every flow between every pair of pods of one family, for TCP/80, UDP/53 and ICMP. */
  public List<Flow> podMatrix() {
    List<Flow> out = new ArrayList<>();
    for (Topology.PodNet a : topology.pods()) {
      for (Topology.PodNet b : topology.pods()) {
        if (a != b && a.spec().ipv6() == b.spec().ipv6()) {
          String from = a.spec().qualifiedName();
          String to = b.spec().qualifiedName();
          out.add(Flow.tcp(from, to, 80));
          out.add(Flow.udp(from, to, 53));
          out.add(Flow.icmp(from, to));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (EchoServers s : servers) {
      s.close();
    }
    try {
      if (datapath != null) {
        datapath.close();
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    // Deleting the namespaces deletes the veths and with them the tc filters.
    topology.close();
    Datapath.unpinAll(pinRoot);
    bpfFs.close();
    try (var files = Files.list(policyDir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
      Files.delete(policyDir);
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
    if (failure != null) {
      throw failure;
    }
  }
}
