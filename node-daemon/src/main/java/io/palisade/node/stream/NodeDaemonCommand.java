package io.palisade.node.stream;

import io.palisade.node.cli.DaemonCommon;
import io.palisade.node.datapath.L7ProxyMode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@code node-daemon --node NAME --operator HOST:PORT}: the node daemon fed by the operator, a
 * subcommand of both {@code palisade} and {@code palisade-node}. It runs until killed.
 */
@Command(
    name = "node-daemon",
    mixinStandardHelpOptions = true,
    versionProvider = io.palisade.node.cli.VersionProvider.class,
    synopsisHeading = "usage: ",
    description = {
      "Enforces what the operator streams for node NAME: says hello with the revision the maps"
          + " hold (kept in --state-file), applies each snapshot or delta by difference, acks it,"
          + " and reconnects with backoff when the stream ends. With the three --tls-* files it"
          + " speaks mutual TLS: its certificate's CN must name its node. With --tls-auto it"
          + " obtains that certificate itself from the operator's CA (through a"
          + " CertificateSigningRequest, in a pod), keeps it in DIR and renews it. --insecure"
          + " allows a plain-text operator instead (tests, or a network you trust). Reads the"
          + " maps back every --repair-interval and on SIGHUP, and repairs any drift."
    })
public final class NodeDaemonCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--node", paramLabel = "NAME", description = "This node's name (required).")
  String node;

  @Option(
      names = "--operator",
      paramLabel = "HOST:PORT",
      description = "The operator's node-state port (required).")
  String operator;

  @Option(
      names = "--state-file",
      paramLabel = "FILE",
      description = "The applied revision and state (default /run/palisade/node-state.pb).")
  Path stateFile = StreamOptions.DEFAULT_STATE_FILE;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "This node's certificate.")
  Path cert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Its private key.")
  Path key;

  @Option(names = "--tls-ca", paramLabel = "PEM", description = "The CA of the operator.")
  Path ca;

  @Option(
      names = "--tls-auto",
      paramLabel = "DIR",
      description = "Obtain and renew this node's certificate from the operator's CA, kept in DIR.")
  Path tlsAuto;

  @Option(
      names = "--flow-log",
      paramLabel = "FILE|-",
      description =
          "Write flows as JSON lines: the datapath's (policies not named in this mode yet) and the"
              + " embedded proxy's l7-allowed and l7-denied requests.")
  Path flowLog;

  @Option(
      names = "--flow-sample",
      paramLabel = "N",
      description = "Report one in N new allowed flows (drops always): 1 all (default), 0 none.")
  int flowSample = 1;

  @Option(names = "--insecure", description = "Allow a plain-text operator.")
  boolean insecure;

  @Option(
      names = "--l7-proxy",
      paramLabel = "embedded|envoy|none",
      description =
          "Which proxy takes L7 redirects: the daemon's own (embedded, the default, fed with the"
              + " L7 rules of the operator's stream), an Envoy the DaemonSet runs (fed by the"
              + " operator's ADS endpoint), or none (their traffic is dropped).")
  L7ProxyMode l7Proxy = L7ProxyMode.embedded;

  @Mixin DaemonCommon common = new DaemonCommon();

  @Unmatched List<String> unmatched = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    NodeStreamDaemon.run(options(), common.log());
    return 0;
  }

  /** The options, or an IllegalArgumentException naming every problem, with the usage. */
  StreamOptions options() {
    List<String> errors = new ArrayList<>();
    unmatched.forEach(a -> errors.add("unknown option " + a));
    if (node == null || node.isBlank()) {
      errors.add("--node is required");
    }
    if (operator == null) {
      errors.add("--operator is required");
    } else if (operator.lastIndexOf(':') <= 0
        || !operator.substring(operator.lastIndexOf(':') + 1).matches("[0-9]{1,5}")) {
      errors.add("--operator " + operator + ": expected HOST:PORT");
    }
    int tlsFiles = (cert != null ? 1 : 0) + (key != null ? 1 : 0) + (ca != null ? 1 : 0);
    if (tlsFiles != 0 && tlsFiles != 3) {
      errors.add("--tls-cert, --tls-key and --tls-ca go together");
    } else if (tlsFiles == 0 && tlsAuto == null && !insecure && operator != null) {
      errors.add(StreamOptions.plainTextRefused(operator));
    }
    if (tlsAuto != null && tlsFiles != 0) {
      errors.add("--tls-auto obtains the certificate itself: give it or the --tls-* files");
    }
    Duration repair = common.repairInterval(errors);
    Optional<InetSocketAddress> metrics = common.metrics(errors);
    io.palisade.node.fqdn.FqdnOptions fqdn = common.fqdn(errors);
    if (flowSample < 0) {
      errors.add(
          "--flow-sample: " + flowSample + " is negative (0: no allowed flows, N: one in N)");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          String.join("\n", errors) + "\n" + spec.commandLine().getUsageMessage());
    }
    Optional<ClientTls> tls =
        tlsFiles == 3 ? Optional.of(new ClientTls(cert, key, ca)) : Optional.empty();
    return new StreamOptions(
        node,
        operator,
        common.pinRoot,
        stateFile,
        tls,
        repair,
        Optional.ofNullable(tlsAuto),
        insecure,
        metrics,
        l7Proxy,
        Optional.ofNullable(flowLog),
        flowSample,
        fqdn);
  }

  /** Parses the subcommand's options as the command line does, without running anything. */
  static StreamOptions parse(String... args) {
    CommandLine cli = new CommandLine(new NodeDaemonCommand());
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + cli.getUsageMessage(), e);
    }
    return cli.<NodeDaemonCommand>getCommand().options();
  }
}
