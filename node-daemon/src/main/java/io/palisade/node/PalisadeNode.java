package io.palisade.node;

import io.palisade.node.cli.CompletionCommand;
import io.palisade.node.cli.DaemonCommon;
import io.palisade.node.cli.VersionProvider;
import io.palisade.node.datapath.DatapathBusyException;
import io.palisade.node.datapath.L7ProxyMode;
import io.palisade.node.stream.NodeDaemonCommand;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.policy.resolve.HostTraffic;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code palisade-node}: the node daemon in file mode (its options), or fed by the operator ({@code
 * palisade-node node-daemon}). Problems with the command line are reported all at once and exit 2.
 */
@Command(
    name = "palisade-node",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    synopsisHeading = "usage: ",
    description = {
      "Enforces the policies for the pods of this node: --veth names a pod's host-side veth,"
          + " --pod finds it from the pod's address (a host route without gateway). Those veths"
          + " are the only interfaces the datapath attaches to. Re-applies by difference on file"
          + " changes; a change that removes more than --prune-budget of the policies, or any"
          + " clusterwide policy, is refused. Reads the maps back every --repair-interval and on"
          + " SIGHUP, and repairs what differs from the desired state. --node names the cluster"
          + " file's Node that is this machine (default: its only Node); its addresses are the"
          + " host. --host-traffic policy makes the host's traffic to the pods subject to their"
          + " ingress policy (default allowed: kubelet's probes always pass)."
    },
    subcommands = {
      NodeDaemonCommand.class,
      UninstallCommand.class,
      io.palisade.node.cni.CniCommand.class,
      CompletionCommand.class
    })
public final class PalisadeNode implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--policies",
      arity = "1..*",
      paramLabel = "PATH",
      description = "Policy files or directories (required).")
  List<Path> policies = new ArrayList<>();

  @Option(names = "--cluster", paramLabel = "FILE", description = "Namespaces and Pods (required).")
  Path cluster;

  @Option(
      names = "--veth",
      paramLabel = "NS/POD=IFNAME",
      description = "A pod of this node and its host-side veth.")
  List<String> veths = new ArrayList<>();

  @Option(
      names = "--pod",
      paramLabel = "NS/POD",
      description = "A pod of this node whose veth its host route names.")
  List<String> routedPods = new ArrayList<>();

  @Option(
      names = "--flow-log",
      paramLabel = "FILE|-",
      description = "Write verdict events as JSON lines.")
  Path flowLog;

  @Option(names = "--once", description = "Apply once and exit.")
  boolean once;

  @Option(
      names = "--prune-budget",
      paramLabel = "unlimited|N%",
      description = "The most of the policies one change may remove (default 50%).")
  String pruneBudget;

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "The cluster file's Node that is this machine (default: its only Node).")
  String node;

  @Option(
      names = "--host-traffic",
      paramLabel = "allowed|policy",
      description = "Whether the host reaches the pods whatever their policy (default allowed).")
  String hostTraffic;

  @Option(
      names = "--l7-proxy",
      paramLabel = "embedded|envoy|none",
      description =
          "Which proxy takes L7 redirects: the daemon's own (embedded, the default), an Envoy the"
              + " DaemonSet runs (a port is ready while it listens), or none (their traffic is"
              + " dropped).")
  L7ProxyMode l7Proxy = L7ProxyMode.embedded;

  @Mixin DaemonCommon common = new DaemonCommon();

  @Unmatched List<String> unmatched = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs a command line, returning its exit code: 2 for a usage error. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new PalisadeNode()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof IllegalArgumentException) {
            cmd.getErr().println(e.getMessage());
            return 2;
          }
          if (e instanceof DatapathBusyException) {
            cmd.getErr().println("palisade-node: " + e.getMessage());
            return 1;
          }
          throw e;
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    DaemonOptions options = options();
    new NodeDaemon(options, common.log()).run();
    return 0;
  }

  /** The options, or an IllegalArgumentException naming every problem, with the usage. */
  DaemonOptions options() {
    List<String> errors = new ArrayList<>();
    unmatched.forEach(a -> errors.add("unknown option " + a));
    Map<String, String> byPod = new LinkedHashMap<>();
    for (String spec : veths) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || spec.indexOf('/') < 0 || spec.indexOf('/') > eq) {
        errors.add("--veth " + spec + ": expected NAMESPACE/POD=IFNAME");
      } else {
        byPod.put(spec.substring(0, eq), spec.substring(eq + 1));
      }
    }
    if (policies.isEmpty()) {
      errors.add("--policies is required");
    }
    if (cluster == null) {
      errors.add("--cluster is required");
    }
    Optional<InetSocketAddress> metrics = common.metrics(errors);
    RemovalBudget budget = RemovalBudget.DEFAULT;
    if (pruneBudget != null) {
      try {
        budget = RemovalBudget.parse(pruneBudget);
      } catch (IllegalArgumentException e) {
        errors.add("--prune-budget: " + e.getMessage());
      }
    }
    Duration repair = common.repairInterval(errors);
    io.palisade.node.fqdn.FqdnOptions fqdn = common.fqdn(errors);
    HostTraffic host = HostTraffic.ALLOWED;
    if (hostTraffic != null) {
      try {
        host = HostTraffic.parse("--host-traffic", hostTraffic);
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          String.join("\n", errors) + "\n" + spec.commandLine().getUsageMessage());
    }
    return new DaemonOptions(
        List.copyOf(policies),
        cluster,
        byPod,
        List.copyOf(routedPods),
        common.pinRoot,
        Optional.ofNullable(flowLog),
        metrics,
        once,
        budget,
        repair,
        Optional.ofNullable(node),
        host,
        l7Proxy,
        fqdn);
  }

  /** Parses file mode's options as {@code main} does, without running anything. */
  static DaemonOptions parse(String... args) {
    CommandLine cli = new CommandLine(new PalisadeNode());
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + cli.getUsageMessage(), e);
    }
    return cli.<PalisadeNode>getCommand().options();
  }
}
