package io.palisade.node;

import com.sun.net.httpserver.HttpServer;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathApplier;
import io.palisade.node.datapath.DatapathBusyException;
import io.palisade.node.datapath.DriftRepair;
import io.palisade.node.datapath.RouteLookup;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.Metrics;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.pipeline.model.EndpointState;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node daemon in file mode: policies and the cluster inventory from files, the pods of this
 * node from the command line. The files go through the same pipeline as the operator's, in process,
 * into this node's datapath (reusing pinned state); it re-converges whenever a file changes,
 * repairs drift of the maps every --repair-interval and on SIGHUP, drains the flow log and serves
 * metrics. Killing it leaves enforcement running; the next start writes only what changed
 * meanwhile.
 */
public final class NodeDaemon {

  /** The node file mode stands for: every pod of the cluster file is taken to run here. */
  static final String NODE = "local";

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
    if (args.length > 0 && args[0].equals("uninstall")) {
      System.exit(
          UninstallCommand.run(
              java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
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
    try {
      new NodeDaemon(options, System.out).run();
    } catch (DatapathBusyException e) {
      System.err.println("palisade-node: " + e.getMessage());
      System.exit(1);
    }
  }

  void run() throws Exception {
    try (Datapath datapath = Datapath.open(options.pinRoot())) {
      out.println("palisade-node: datapath loaded, pins under " + options.pinRoot());
      DatapathApplier applier = new DatapathApplier(datapath, NODE, this::interfaceOf);
      LocalPipeline pipeline =
          new LocalPipeline(
              NODE, applier, options.pruneBudget(), options.hostTraffic(), options.node());
      pipeline.pipeline().reportServiceErrorsTo(e -> out.println("palisade-node: " + e));
      converge(pipeline, applier);
      if (options.once()) {
        return;
      }
      HttpServer metrics = startMetrics(datapath);
      try (FlowLog log = openFlowLog(datapath);
          DriftRepair repair = startRepair(datapath, options.repairInterval(), out)) {
        while (true) {
          if (log != null) {
            log.poll(1000);
          } else {
            Thread.sleep(1000);
          }
          converge(pipeline, applier);
        }
      } finally {
        if (metrics != null) {
          metrics.stop(0);
        }
      }
    }
  }

  /**
   * Reads the input files again when one changed, runs them through the pipeline, and applies what
   * changed; otherwise binds again, since a pod's interface may have appeared.
   */
  void converge(LocalPipeline pipeline, DatapathApplier applier) throws IOException {
    Optional<ApplyResult> before = applier.lastResult();
    String inputs = fingerprint();
    if (inputs.equals(lastInputs)) {
      applier.refresh();
    } else {
      lastInputs = inputs;
      LoadResult loaded = new PolicyLoader().load(options.policies());
      loaded.errors().forEach(e -> out.println("palisade-node: " + e.format()));
      pipeline
          .accept(PolicySnapshot.of("files", loaded))
          .ifPresent(
              r ->
                  out.println(
                      "palisade-node: the policy files are refused: "
                          + r.reason()
                          + ". Nothing changes: the policies read before stay in force"));
      ClusterFile.Result inventory = ClusterFile.read(options.cluster());
      List<String> problems = new ArrayList<>();
      inventory.errors().forEach(e -> problems.add(e.toString()));
      if (problems.isEmpty()) {
        try {
          pipeline.accept(inventory.contents());
        } catch (IllegalArgumentException e) {
          problems.add(e.getMessage());
        }
      }
      problems.forEach(
          e ->
              out.println(
                  "palisade-node: " + options.cluster() + ": " + e + " (the last good stays)"));
      pipeline.run();
      applier.unbound().forEach(u -> out.println("palisade-node: not enforcing " + u + " yet"));
    }
    applier.lastResult().filter(r -> before.map(b -> b != r).orElse(true)).ifPresent(this::report);
    out.flush();
  }

  /** Repairs drift every {@code every} and on SIGHUP, logging what it repaired. */
  public static DriftRepair startRepair(Datapath datapath, Duration every, PrintStream out) {
    DriftRepair repair =
        DriftRepair.start(
                datapath,
                every,
                line -> {
                  out.println("palisade-node: " + line);
                  out.flush();
                })
            .onHangup();
    out.println("palisade-node: the maps are read back " + repair.schedule() + " to repair drift");
    out.flush();
    return repair;
  }

  private void report(ApplyResult r) {
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
  }

  /** A --veth pod's named interface, or for a --pod the veth its host route names. */
  private Optional<String> interfaceOf(EndpointState endpoint, CidrPrefix address) {
    String veth = options.veths().get(endpoint.id());
    if (veth != null) {
      return Optional.of(veth);
    }
    return options.routedPods().contains(endpoint.id())
        ? RouteLookup.hostVeth(address)
        : Optional.empty();
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
              Metrics.render(datapath.counters(), datapath.fill(), datapath.repairedEntries())
                  .getBytes(StandardCharsets.UTF_8);
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
