package io.palisade.cli.standalone;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.cli.OutputOption;
import io.palisade.gitops.GitRef;
import io.palisade.gitops.GitSource;
import io.palisade.gitops.RepositoryCache;
import io.palisade.gitops.SourceSync;
import io.palisade.gitops.TokenBucket;
import io.palisade.gitops.WebhookReceiver;
import io.palisade.gitops.WebhookVerifier;
import io.palisade.http.ListenAddress;
import io.palisade.node.cli.FqdnFlags;
import io.palisade.node.cli.LogFormat;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathApplier;
import io.palisade.node.datapath.DatapathBusyException;
import io.palisade.node.datapath.DriftRepair;
import io.palisade.node.datapath.EmbeddedNodeProxy;
import io.palisade.node.datapath.L7ProxyMode;
import io.palisade.node.datapath.NodeProxy;
import io.palisade.node.discovery.ChainedRecords;
import io.palisade.node.discovery.EndpointDiscovery;
import io.palisade.node.fqdn.FqdnOptions;
import io.palisade.node.observe.DatapathMeters;
import io.palisade.node.observe.FlowDrain;
import io.palisade.node.observe.FlowNamer;
import io.palisade.node.observe.FlowSampler;
import io.palisade.node.observe.ObserveServer;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.policy.resolve.HostTraffic;
import io.palisade.web.PageApi;
import io.palisade.web.PageAssets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code palisade standalone}: the whole pipeline without a Kubernetes API. Policies come from
 * files or a Git repository and are re-read when they change; the cluster file is re-read too; each
 * change is validated, resolved, and reported over HTTP.
 */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description =
        "Run the policy pipeline from files or Git, re-reading on change; serve /readyz,"
            + " /healthz, /api/policies and /metrics on loopback.")
public final class StandaloneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--policies",
      required = true,
      arity = "1..*",
      paramLabel = "PATH|URL",
      description = "Policy files or directories, or one Git URL (https://, ssh://, file://).")
  List<String> policies;

  @Option(names = "--ref", defaultValue = "main", description = "Git branch (default main).")
  String branch;

  @Option(names = "--tag", description = "Git tag, instead of a branch.")
  String tag;

  @Option(names = "--semver", description = "Git semver range over tags, instead of a branch.")
  String semver;

  @Option(names = "--path", defaultValue = "", description = "Folder of the Git repository.")
  String path;

  @Option(
      names = "--cluster",
      required = true,
      paramLabel = "FILE",
      description =
          "Namespaces, Pods, Nodes, Services and EndpointSlices (as kubectl get -o yaml prints"
              + " them).")
  Path cluster;

  @Option(names = "--http-port", defaultValue = "9876", description = "HTTP port (0: any).")
  int httpPort;

  @Option(
      names = "--http-address",
      defaultValue = ListenAddress.LOOPBACK,
      description =
          "Address of /readyz, /api/policies and the webhook (0.0.0.0: every address; the"
              + " status is readable by anyone who reaches it).")
  String httpAddress;

  @Option(
      names = "--interval",
      description =
          "How often to look for changes (e.g. 500ms, 1s, 1m); default 1s for files, 1m for Git.")
  String interval;

  @Option(
      names = "--cache",
      defaultValue = "${java.io.tmpdir}/palisade-git",
      description = "Where Git repositories are kept between polls.")
  Path cache;

  @Option(
      names = "--webhook-token-file",
      description =
          "With a Git source: a file holding the webhook token; a verified POST to the printed"
              + " /hook/ path syncs at once.")
  Path webhookTokenFile;

  @Option(
      names = "--webhook-type",
      defaultValue = "GITHUB",
      description = "GITHUB (X-Hub-Signature-256), GITLAB (X-Gitlab-Token) or GENERIC_HMAC.")
  WebhookVerifier.Provider webhookType;

  @Option(
      names = "--prune-budget",
      defaultValue = "50%",
      paramLabel = "unlimited|N%",
      description =
          "How much of the policies one change of the source may remove (default 50%): a change"
              + " that removes more, all of them, or any clusterwide policy is refused and changes"
              + " nothing; unlimited allows every removal, N% that share (clusterwide still"
              + " refused).")
  String pruneBudget;

  @Option(
      names = "--repair-interval",
      defaultValue = "10s",
      description =
          "With --enforce: how often the maps are read back and what differs from the desired"
              + " state repaired (default 10s; 0s: only on SIGHUP, which always asks for one).")
  String repairInterval;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description =
          "The Node of the cluster file that is this machine, whose addresses are the host"
              + " (default: the file's only Node).")
  String node;

  @Option(
      names = "--host-traffic",
      defaultValue = "allowed",
      paramLabel = "allowed|policy",
      description =
          "allowed (default, as Cilium): the node reaches its pods whatever their ingress policy,"
              + " so kubelet's probes pass; policy: only where a rule allows the host.")
  String hostTraffic;

  @Option(
      names = "--once",
      description =
          "Read once, print each policy's status (-o table, json or yaml; the log goes to stderr),"
              + " and exit.")
  boolean once;

  @Mixin OutputOption output;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description = "Log lines as text (default) or one JSON object each.")
  LogFormat logFormat = LogFormat.text;

  @Option(
      names = "--enforce",
      description =
          "Enforce in this network namespace's datapath (root): attach to the host-side veth of"
              + " each pod of the cluster file that has a host route here.")
  boolean enforce;

  @Option(
      names = "--l7-proxy",
      paramLabel = "embedded|envoy|none",
      description =
          "With --enforce, which proxy takes L7 redirects: the in-process one (embedded, the"
              + " default), an Envoy listening on the node, or none (their traffic is dropped).")
  L7ProxyMode l7Proxy = L7ProxyMode.embedded;

  /** The embedded DNS proxy's {@code toFQDNs} settings, named and checked as the node daemon's. */
  @Mixin FqdnFlags fqdnFlags = new FqdnFlags();

  @Option(
      names = "--flow-sample",
      paramLabel = "N",
      description =
          "With --enforce, report one in N new allowed flows at /api/flows (drops always): 1 all"
              + " (default), 0 none.")
  int flowSample = 1;

  @Option(
      names = "--bpf-pins",
      defaultValue = "/sys/fs/bpf/palisade",
      description = "Where the datapath's maps are pinned (with --enforce).")
  Path pins;

  /** Flows kept for {@code /api/flows} and {@code palisade observe --since}. */
  static final int RECENT_FLOWS = 10_000;

  private Integer run() throws Exception {
    if (flowSample < 0) {
      throw new ParameterException(
          spec.commandLine(), "--flow-sample: " + flowSample + " is negative (0: none, N: 1 in N)");
    }
    PrintWriter result = spec.commandLine().getOut();
    PrintWriter out =
        logFormat.wrap(once ? spec.commandLine().getErr() : result, Clock.systemUTC());
    Duration every = Durations.parse(interval != null ? interval : isGit() ? "1m" : "1s");
    RemovalBudget budget = budget();
    HostTraffic hosts = hostTraffic();
    Duration repairEvery = repairInterval();
    FqdnOptions fqdn = fqdn();
    try (RepositoryCache repos = isGit() ? new RepositoryCache(cache) : null;
        Datapath datapath = enforce ? Datapath.open(pins) : null;
        NodeProxy proxy = datapath == null ? null : startProxy(datapath, fqdn);
        DriftRepair repair = datapath == null ? null : repair(datapath, repairEvery, out)) {
      SnapshotSource source = isGit() ? gitSource(repos) : new FileSnapshots(paths());
      StandaloneLoop loop =
          loop(
              source,
              cluster,
              datapath,
              Optional.ofNullable(proxy),
              budget,
              hosts,
              Optional.ofNullable(node),
              out);
      if (once) {
        loop.step();
        if (output.table()) {
          loop.printStatuses(result);
        } else {
          output.print(result, StatusServer.policies(loop.statuses(), loop.readiness()));
        }
        return loop.allValid() ? 0 : 1;
      }
      Optional<WebhookReceiver> hook = webhook();
      Semaphore wake = new Semaphore(0);
      PrometheusMeterRegistry registry = ObserveServer.newRegistry();
      if (datapath != null) {
        DatapathMeters.bind(registry, datapath);
      }
      if (proxy instanceof EmbeddedNodeProxy embedded) {
        embedded.bindMeters(registry);
      }
      Optional<FlowRing> flows =
          datapath == null ? Optional.empty() : Optional.of(new FlowRing(RECENT_FLOWS));
      try (FlowDrain drain = flows.map(ring -> drain(datapath, loop, ring, out)).orElse(null);
          StatusServer server =
              new StatusServer(
                  ListenAddress.parse("--http-address", httpAddress, httpPort),
                  loop::statuses,
                  loop::readiness,
                  registry::scrape,
                  hook,
                  wake::release,
                  Optional.of(new PageApi(() -> loop.pipeline().inventory().snapshot().cluster())),
                  flows)) {
        out.println("palisade: standalone on " + server.url() + "/readyz");
        out.println("palisade: web page at " + server.url() + PageAssets.PATH);
        hook.ifPresent(h -> out.println("palisade: webhook at " + server.url() + h.path()));
        out.flush();
        loop.run(every, wake);
      }
    }
    return 0;
  }

  /** Runs the command; a datapath another process writes ends it with one line and exit 1. */
  @Override
  public Integer call() throws Exception {
    try {
      return run();
    } catch (DatapathBusyException e) {
      spec.commandLine().getErr().println("palisade: " + e.getMessage());
      return 1;
    }
  }

  /**
   * The datapath's flows into {@code ring}, each named from the loop's pipeline; a policy without
   * PolicySource marks came from the files, or from the Git revision last read.
   */
  private FlowDrain drain(Datapath datapath, StandaloneLoop loop, FlowRing ring, PrintWriter out) {
    FlowNaming naming =
        new FlowNaming(
            loop.pipeline().pipeline(), () -> isGit() ? "git " + loop.revision() : "files");
    return FlowDrain.start(
        datapath,
        FlowNamer.of(naming),
        new FlowSampler(flowSample),
        ring,
        line -> {
          out.println("palisade: " + line);
          out.flush();
        });
  }

  private static DriftRepair repair(Datapath datapath, Duration every, PrintWriter out) {
    DriftRepair repair =
        DriftRepair.start(
                datapath,
                every,
                line -> {
                  out.println("palisade: " + line);
                  out.flush();
                })
            .onHangup();
    out.println("palisade: the maps are read back " + repair.schedule() + " to repair drift");
    return repair;
  }

  /**
   * The pipeline into this namespace's datapath (each pod of the cluster file whose veth is found
   * here is enforced on it), or into memory alone.
   */
  static StandaloneLoop loop(
      SnapshotSource source,
      Path cluster,
      Datapath datapath,
      RemovalBudget budget,
      PrintWriter out) {
    return loop(source, cluster, datapath, budget, HostTraffic.ALLOWED, Optional.empty(), out);
  }

  static StandaloneLoop loop(
      SnapshotSource source,
      Path cluster,
      Datapath datapath,
      RemovalBudget budget,
      HostTraffic hostTraffic,
      Optional<String> node,
      PrintWriter out) {
    return loop(source, cluster, datapath, Optional.empty(), budget, hostTraffic, node, out);
  }

  /** Sets up the redirect to the node's L7 proxy and starts the one {@code --l7-proxy} names. */
  private NodeProxy startProxy(Datapath datapath, FqdnOptions fqdn) {
    return l7Proxy.start(datapath, fqdn).orElse(null);
  }

  static StandaloneLoop loop(
      SnapshotSource source,
      Path cluster,
      Datapath datapath,
      Optional<NodeProxy> proxy,
      RemovalBudget budget,
      HostTraffic hostTraffic,
      Optional<String> node,
      PrintWriter out) {
    if (datapath == null) {
      return new StandaloneLoop(
          source,
          cluster,
          new InMemoryNodeState(),
          "Resolved",
          () -> {},
          budget,
          hostTraffic,
          node,
          out);
    }
    DatapathApplier applier =
        new DatapathApplier(
            datapath,
            StandaloneLoop.NODE,
            new EndpointDiscovery(
                    ChainedRecords.DEFAULT_DIR,
                    problem -> {
                      out.println("palisade: " + problem);
                      out.flush();
                    })
                .foundOnly());
    proxy.ifPresent(applier::withProxy);
    applier.addListener(
        new NodeStateApplier.Listener() {
          @Override
          public void acked(String node, long revision) {
            applier
                .lastResult()
                .ifPresent(
                    r ->
                        out.println(
                            "palisade: datapath generation "
                                + r.generation()
                                + ": "
                                + r.totalWrites()
                                + " map writes, pods enforced here: "
                                + applier.bound().size()));
          }
        });
    return new StandaloneLoop(
        source, cluster, applier, "Enforced", applier::refresh, budget, hostTraffic, node, out);
  }

  private Duration repairInterval() {
    try {
      return io.palisade.pipeline.Durations.parse(repairInterval);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--repair-interval: " + e.getMessage());
    }
  }

  private FqdnOptions fqdn() {
    List<String> errors = new ArrayList<>();
    FqdnOptions options = fqdnFlags.options(errors);
    if (!errors.isEmpty()) {
      throw new ParameterException(spec.commandLine(), String.join("; ", errors));
    }
    return options;
  }

  private HostTraffic hostTraffic() {
    try {
      return HostTraffic.parse("--host-traffic", hostTraffic);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private RemovalBudget budget() {
    try {
      return RemovalBudget.parse(pruneBudget);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--prune-budget: " + e.getMessage());
    }
  }

  private Optional<WebhookReceiver> webhook() throws IOException {
    if (webhookTokenFile == null) {
      return Optional.empty();
    }
    if (!isGit()) {
      throw new IllegalArgumentException("--webhook-token-file needs a Git URL for --policies");
    }
    String token = Files.readString(webhookTokenFile).strip();
    if (token.isEmpty()) {
      throw new IllegalArgumentException(webhookTokenFile + ": the webhook token is empty");
    }
    return Optional.of(
        new WebhookReceiver(token, "standalone", "", webhookType, new TokenBucket(5, 1)));
  }

  private boolean isGit() {
    if (policies.size() != 1) {
      return false;
    }
    String p = policies.get(0);
    return p.startsWith("https://")
        || p.startsWith("http://")
        || p.startsWith("ssh://")
        || p.startsWith("file://");
  }

  private List<Path> paths() {
    return policies.stream().map(Path::of).toList();
  }

  private SnapshotSource gitSource(RepositoryCache repos) {
    GitRef ref =
        tag != null
            ? GitRef.tag(tag)
            : semver != null ? GitRef.semver(semver) : GitRef.branch(branch);
    GitSource source = GitSource.of(policies.get(0), ref).withPath(path);
    return new GitSnapshots(new SourceSync(repos), source);
  }
}
