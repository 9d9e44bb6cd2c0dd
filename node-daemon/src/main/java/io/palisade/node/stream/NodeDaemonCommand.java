package io.palisade.node.stream;

import io.palisade.node.cli.LogFormat;
import io.palisade.node.datapath.Datapath;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
          + " speaks mutual TLS: its certificate's CN must name its node."
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

  @Option(names = "--pin-root", paramLabel = "DIR", description = "Where the maps are pinned.")
  Path pinRoot = Datapath.DEFAULT_PIN_ROOT;

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
      names = "--metrics-port",
      paramLabel = "N",
      description = "Serve /metrics, /healthz and /readyz on this port (0: not at all).")
  int metricsPort;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description = "Log lines as text (default) or one JSON object each.")
  LogFormat logFormat = LogFormat.text;

  @Unmatched List<String> unmatched = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    NodeStreamDaemon.run(options(), logFormat.wrap(System.out, Clock.systemUTC()));
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
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(
          String.join("\n", errors) + "\n" + spec.commandLine().getUsageMessage());
    }
    Optional<ClientTls> tls =
        tlsFiles == 3 ? Optional.of(new ClientTls(cert, key, ca)) : Optional.empty();
    return new StreamOptions(node, operator, pinRoot, stateFile, tls, metricsPort);
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
