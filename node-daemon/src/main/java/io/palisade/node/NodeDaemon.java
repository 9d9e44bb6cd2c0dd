package io.palisade.node;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.node.datapath.ApplyResult;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathApplier;
import io.palisade.node.datapath.DriftRepair;
import io.palisade.node.datapath.EmbeddedNodeProxy;
import io.palisade.node.datapath.NodeProxy;
import io.palisade.node.datapath.PendingEndpoint;
import io.palisade.node.discovery.ChainedRecords;
import io.palisade.node.discovery.DeclaredPods;
import io.palisade.node.discovery.EndpointDiscovery;
import io.palisade.node.discovery.InterfaceFinder;
import io.palisade.node.observe.DatapathMeters;
import io.palisade.node.observe.FlowLog;
import io.palisade.node.observe.FlowLogFile;
import io.palisade.node.observe.FlowNamer;
import io.palisade.node.observe.FlowSampler;
import io.palisade.node.observe.L7FlowWriter;
import io.palisade.node.observe.ObserveServer;
import io.palisade.node.observe.Readiness;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.flows.FlowSink;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The node daemon in file mode: policies and the cluster inventory from files, the pods of this
 * node from the command line. The files go through the same pipeline as the operator's, in process,
 * into this node's datapath (reusing pinned state); it re-converges whenever a file changes,
 * repairs drift of the maps every --repair-interval and on SIGHUP, drains the flow log and serves
 * metrics and health. Killing it leaves enforcement running; the next start writes only what
 * changed meanwhile.
 */
public final class NodeDaemon {

  /** The node file mode stands for: every pod of the cluster file is taken to run here. */
  static final String NODE = "local";

  /** Flows kept for {@code /api/flows} and {@code palisade observe --since}. */
  static final int RECENT_FLOWS = 10_000;

  private final DaemonOptions options;
  private final PrintStream out;
  private String lastInputs = "";
  private List<PendingEndpoint> lastPending = List.of();

  NodeDaemon(DaemonOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  /** Kept for scripts that name this class: {@link PalisadeNode} is the command line. */
  public static void main(String[] args) {
    PalisadeNode.main(args);
  }

  void run() throws Exception {
    PrintStream flowLog =
        options.flowLog().isPresent() && !options.once()
            ? FlowLogFile.open(options.flowLog().get())
            : null;
    try (L7FlowWriter l7Lines = flowLog == null ? null : new L7FlowWriter(flowLog);
        Datapath datapath = Datapath.open(options.pinRoot());
        NodeProxy proxy =
            options
                .l7Proxy()
                .start(datapath, options.fqdn(), l7Lines == null ? e -> {} : l7Lines)
                .orElse(null)) {
      out.println("palisade-node: datapath loaded, pins under " + options.pinRoot());
      DatapathApplier applier = new DatapathApplier(datapath, NODE, interfaces());
      if (proxy != null) {
        // An Envoy of the DaemonSet (--l7-proxy envoy); by default redirected traffic drops.
        out.println("palisade-node: L7 redirects go to the proxy listening on the node");
        applier.withProxy(proxy);
      }
      LocalPipeline pipeline =
          new LocalPipeline(
              NODE, applier, options.pruneBudget(), options.hostTraffic(), options.node());
      pipeline.pipeline().reportServiceErrorsTo(e -> out.println("palisade-node: " + e));
      if (options.once()) {
        converge(pipeline, applier);
        return;
      }
      FlowRing ring = new FlowRing(RECENT_FLOWS);
      FlowNamer namer = FlowNamer.of(new FlowNaming(pipeline.pipeline(), () -> "files"));
      try (ObserveServer server = serve(datapath, applier, proxy, ring);
          FlowLog log = openFlowLog(datapath, namer, ring, flowLog);
          DriftRepair repair = startRepair(datapath, options.repairInterval(), out)) {
        converge(pipeline, applier);
        while (true) {
          if (log != null) {
            log.poll(1000);
          } else {
            Thread.sleep(1000);
          }
          converge(pipeline, applier);
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
    }
    List<PendingEndpoint> pending = applier.pending();
    if (!pending.equals(lastPending)) {
      pending.forEach(p -> out.println("palisade-node: not enforcing " + p));
      if (pending.isEmpty() && !lastPending.isEmpty()) {
        out.println("palisade-node: every endpoint is enforced");
      }
      lastPending = pending;
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
            + (r.detached().isEmpty() ? "" : " detached=" + r.detached())
            + " generation="
            + r.generation());
  }

  /** The --veth pods behind their named veth, the --pod pods discovered; the rest elsewhere. */
  private InterfaceFinder interfaces() {
    return new DeclaredPods(
        options.veths(),
        java.util.Set.copyOf(options.routedPods()),
        new EndpointDiscovery(
            ChainedRecords.DEFAULT_DIR, problem -> out.println("palisade-node: " + problem)));
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

  /**
   * Drains the datapath's events into the ring of recent flows (for {@code /api/flows}) and, with
   * --flow-log, the log; allowed flows sampled by --flow-sample.
   */
  private FlowLog openFlowLog(
      Datapath datapath, FlowNamer namer, FlowRing ring, PrintStream flowLog) {
    FlowSink sinks = ring;
    if (flowLog != null) {
      sinks = sinks.andThen(FlowLogFile.sink(flowLog));
    }
    FlowSampler sampler = new FlowSampler(options.flowSample());
    FlowSink all = sinks;
    return new FlowLog(
        datapath.eventsFd(),
        e -> {
          if (sampler.keep(e)) {
            all.accept(namer.name(e.naming(datapath.appliedPolicies())));
          }
        });
  }

  /**
   * /metrics, /healthz and /readyz: ready once a first state is in the maps and while they hold the
   * current revision (a failed apply keeps the last one in force, and says why here).
   */
  private ObserveServer serve(
      Datapath datapath, DatapathApplier applier, NodeProxy proxy, FlowRing ring)
      throws IOException {
    if (options.metrics().isEmpty()) {
      return null;
    }
    PrometheusMeterRegistry registry = ObserveServer.newRegistry();
    DatapathMeters.bind(registry, datapath);
    if (proxy instanceof EmbeddedNodeProxy embedded) {
      embedded.bindMeters(registry);
    }
    ObserveServer server =
        ObserveServer.start(
            options.metrics().get(),
            registry,
            () -> {
              long revision = applier.revision();
              boolean held =
                  applier.lastResult().isPresent()
                      && applier.enforcedCount(List.of(NODE), revision) == 1;
              return held
                  ? Readiness.ready("ready: revision " + revision + " in the maps")
                  : Readiness.notReady(
                      "not ready: revision "
                          + revision
                          + " not in the maps"
                          + applier.failure(NODE, revision).map(e -> ": " + e).orElse(""));
            },
            Optional.of(ring));
    out.println("palisade-node: metrics and health on " + server.url());
    return server;
  }
}
