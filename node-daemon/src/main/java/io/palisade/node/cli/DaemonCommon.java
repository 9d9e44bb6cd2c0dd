package io.palisade.node.cli;

import io.palisade.http.ListenAddress;
import io.palisade.node.datapath.Datapath;
import io.palisade.pipeline.Durations;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options both modes of the node daemon share (file mode and {@code node-daemon}): where the
 * maps are pinned, how often drift is repaired, where /metrics, /healthz and /readyz listen, and
 * how log lines are written. Values are checked by the caller's {@code options()}, which reports
 * every problem at once.
 */
public final class DaemonCommon {

  /** How often the maps are read back and any drift from the desired state repaired. */
  public static final Duration DEFAULT_REPAIR_INTERVAL = Duration.ofSeconds(10);

  @Option(names = "--pin-root", paramLabel = "DIR", description = "Where the maps are pinned.")
  public Path pinRoot = Datapath.DEFAULT_PIN_ROOT;

  @Option(
      names = "--repair-interval",
      paramLabel = "DURATION",
      description = "How often the maps are read back and repaired (default 10s; 0s: on SIGHUP).")
  String repairInterval;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      description = "Serve /metrics, /healthz and /readyz on this port (0: not at all).")
  String metricsPort;

  @Option(
      names = "--metrics-address",
      paramLabel = "IP",
      description = "Where --metrics-port listens (default 127.0.0.1; 0.0.0.0: every address).")
  String metricsAddress;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description = "Log lines as text (default) or one JSON object each.")
  LogFormat logFormat = LogFormat.text;

  /** {@code --fqdn-min-ttl} and {@code --fqdn-state}, as standalone mode takes them. */
  @Mixin FqdnFlags fqdnFlags = new FqdnFlags();

  /** {@code --fqdn-min-ttl} and {@code --fqdn-state}; a problem goes to {@code errors}. */
  public io.palisade.node.fqdn.FqdnOptions fqdn(List<String> errors) {
    return fqdnFlags.options(errors);
  }

  /** {@code --repair-interval}; a problem goes to {@code errors}, naming the option. */
  public Duration repairInterval(List<String> errors) {
    if (repairInterval == null) {
      return DEFAULT_REPAIR_INTERVAL;
    }
    try {
      return Durations.parse(repairInterval);
    } catch (IllegalArgumentException e) {
      errors.add("--repair-interval: " + e.getMessage());
      return DEFAULT_REPAIR_INTERVAL;
    }
  }

  /**
   * Where to serve, none for port 0: loopback unless an address is given, since the counters tell
   * who talks to whom. A problem goes to {@code errors}, naming the option.
   */
  public Optional<InetSocketAddress> metrics(List<String> errors) {
    if (metricsPort == null || metricsPort.equals("0")) {
      return Optional.empty();
    }
    if (!metricsPort.matches("[0-9]{1,5}") || Integer.parseInt(metricsPort) > 65535) {
      errors.add(
          "--metrics-port " + metricsPort + ": expected a port number, 1-65535 (0: no metrics)");
      return Optional.empty();
    }
    try {
      return Optional.of(
          ListenAddress.parse(
              "--metrics-address",
              metricsAddress == null ? ListenAddress.LOOPBACK : metricsAddress,
              Integer.parseInt(metricsPort)));
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
      return Optional.empty();
    }
  }

  /** Standard output as {@code --log-format} asks. */
  public PrintStream log() {
    return logFormat.wrap(System.out, Clock.systemUTC());
  }
}
