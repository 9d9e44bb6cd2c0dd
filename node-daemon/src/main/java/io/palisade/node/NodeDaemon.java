package io.palisade.node;

import com.sun.net.httpserver.HttpServer;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.ClusterState;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DesiredState;
import io.palisade.node.datapath.RouteLookup;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.Metrics;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node daemon in standalone mode: policies and the cluster inventory from files, the pods of
 * this node from the command line. It loads the datapath (reusing pinned state), converges it, then
 * re-converges whenever a file changes, drains the flow log and serves metrics. Killing it leaves
 * enforcement running; the next start writes only what changed meanwhile.
 */
public final class NodeDaemon {

  private final DaemonOptions options;
  private final PrintStream out;
  private String lastInputs = "";

  NodeDaemon(DaemonOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("node-daemon")) {
      io.palisade.node.stream.NodeStreamDaemon.main(
          java.util.Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    DaemonOptions options;
    try {
      options = DaemonOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    new NodeDaemon(options, System.out).run();
  }

  void run() throws Exception {
    try (Datapath datapath = Datapath.open(options.pinRoot())) {
      out.println("palisade-node: datapath loaded, pins under " + options.pinRoot());
      converge(datapath);
      if (options.once()) {
        return;
      }
      HttpServer metrics = startMetrics(datapath);
      try (FlowLog log = openFlowLog(datapath)) {
        while (true) {
          if (log != null) {
            log.poll(1000);
          } else {
            Thread.sleep(1000);
          }
          converge(datapath);
        }
      } finally {
        if (metrics != null) {
          metrics.stop(0);
        }
      }
    }
  }

  /** Recomputes and applies the desired state when an input file changed since the last time. */
  void converge(Datapath datapath) throws IOException {
    String inputs = fingerprint();
    if (inputs.equals(lastInputs)) {
      return;
    }
    Optional<DesiredState> desired = desiredState();
    if (desired.isEmpty()) {
      lastInputs = inputs; // keep enforcing the last good state until the files are fixed
      return;
    }
    ApplyResult r = datapath.apply(desired.get());
    lastInputs = inputs;
    out.println(
        "palisade-node: applied writes="
            + r.totalWrites()
            + " policy="
            + r.policyWrites()
            + " endpoints="
            + r.endpointWrites()
            + " ipcache="
            + (r.ipcacheWrites() + r.cidrWrites())
            + " attached="
            + r.attached()
            + " generation="
            + r.generation());
    out.flush();
  }

  private Optional<DesiredState> desiredState() throws IOException {
    LoadResult loaded = new PolicyLoader().load(options.policies());
    ClusterParser.Result inventory = new ClusterParser().parse(options.cluster());
    if (!loaded.valid() || !inventory.errors().isEmpty()) {
      loaded.errors().forEach(e -> out.println("palisade-node: " + e.format()));
      inventory
          .errors()
          .forEach(e -> out.println("palisade-node: " + options.cluster() + ": " + e));
      return Optional.empty();
    }
    var allocator = new InMemoryIdentityAllocator();
    ClusterPolicy policy =
        new ClusterPolicy(inventory.cluster(), loaded.policySet().rules(), allocator);
    return Optional.of(ClusterState.of(policy, allocator, localVeths(inventory.cluster())));
  }

  /** The --veth pods, plus each --pod whose veth a host route names. */
  private Map<String, String> localVeths(Cluster cluster) {
    Map<String, String> veths = new LinkedHashMap<>(options.veths());
    for (String name : options.routedPods()) {
      int slash = name.indexOf('/');
      Optional<String> veth =
          cluster
              .pod(name.substring(0, slash), name.substring(slash + 1))
              .flatMap(Pod::ip)
              .flatMap(CidrPrefix::parse)
              .flatMap(RouteLookup::hostVeth);
      if (veth.isPresent()) {
        veths.put(name, veth.get());
      } else {
        out.println("palisade-node: no host route to pod " + name + "; not enforcing it yet");
      }
    }
    return veths;
  }

  private String fingerprint() throws IOException {
    List<Path> files = new ArrayList<>(options.policies());
    files.add(options.cluster());
    StringBuilder sb = new StringBuilder();
    for (Path p : files) {
      if (Files.isDirectory(p)) {
        try (var s = Files.walk(p)) {
          for (Path f : s.sorted().toList()) {
            sb.append(f).append('@').append(Files.getLastModifiedTime(f)).append(';');
          }
        }
      } else if (Files.exists(p)) {
        sb.append(p).append('@').append(Files.getLastModifiedTime(p)).append(';');
      }
    }
    return sb.toString();
  }

  private FlowLog openFlowLog(Datapath datapath) throws IOException {
    if (options.flowLog().isEmpty()) {
      return null;
    }
    Path target = options.flowLog().get();
    PrintStream sink =
        target.toString().equals("-")
            ? out
            : new PrintStream(
                Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                true,
                StandardCharsets.UTF_8);
    return new FlowLog(datapath.eventsFd(), e -> sink.println(e.toJson()));
  }

  private HttpServer startMetrics(Datapath datapath) throws IOException {
    if (options.metricsPort() <= 0) {
      return null;
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(options.metricsPort()), 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body =
              Metrics.render(datapath.counters(), datapath.fill()).getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (var os = exchange.getResponseBody()) {
            os.write(body);
          }
        });
    server.start();
    return server;
  }
}
