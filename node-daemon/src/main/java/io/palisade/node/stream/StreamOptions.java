package io.palisade.node.stream;

import io.palisade.node.datapath.L7ProxyMode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code node-daemon --node NAME --operator HOST:PORT}, parsed; every problem reported at once.
 * Without TLS the operator's stream would be plain text, which anyone on the path can read and
 * forge (and the daemon enforces what it is sent), so that takes {@code --insecure}.
 */
public record StreamOptions(
    String node,
    String operator,
    Path pinRoot,
    Path stateFile,
    Optional<ClientTls> tls,
    Duration repairInterval,
    Optional<Path> tlsAuto,
    boolean insecure,
    Optional<InetSocketAddress> metrics,
    L7ProxyMode l7Proxy,
    Optional<Path> flowLog,
    int flowSample,
    io.palisade.node.fqdn.FqdnOptions fqdn) {

  /**
   * The embedded proxy (the default), no flow log: flows only at {@code /api/flows} of
   * --metrics-port, every allowed one.
   */
  public StreamOptions(
      String node,
      String operator,
      Path pinRoot,
      Path stateFile,
      Optional<ClientTls> tls,
      Duration repairInterval,
      Optional<Path> tlsAuto,
      boolean insecure,
      Optional<InetSocketAddress> metrics) {
    this(
        node,
        operator,
        pinRoot,
        stateFile,
        tls,
        repairInterval,
        tlsAuto,
        insecure,
        metrics,
        L7ProxyMode.embedded,
        Optional.empty(),
        1,
        io.palisade.node.fqdn.FqdnOptions.defaults());
  }

  /** Beside the pins, but on a file system that takes regular files and empties on reboot too. */
  public static final Path DEFAULT_STATE_FILE = Path.of("/run/palisade/node-state.pb");

  public StreamOptions {
    if (tls.isEmpty() && tlsAuto.isEmpty() && !insecure) {
      throw new IllegalArgumentException(plainTextRefused(operator));
    }
  }

  /** Parses {@code args} as {@code node-daemon} does, or throws with every problem found. */
  public static StreamOptions parse(String... args) {
    return NodeDaemonCommand.parse(args);
  }

  static String plainTextRefused(String operator) {
    return "--operator "
        + operator
        + " would be plain text, which anyone on the path can read and forge: give --tls-cert,"
        + " --tls-key and --tls-ca, --tls-auto, or --insecure to allow it";
  }
}
