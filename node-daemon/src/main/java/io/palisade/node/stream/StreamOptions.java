package io.palisade.node.stream;

import java.nio.file.Path;
import java.util.Optional;

/** {@code node-daemon --node NAME --operator HOST:PORT}, parsed; every problem reported at once. */
public record StreamOptions(
    String node,
    String operator,
    Path pinRoot,
    Path stateFile,
    Optional<ClientTls> tls,
    int metricsPort) {

  /** Beside the pins, but on a file system that takes regular files and empties on reboot too. */
  public static final Path DEFAULT_STATE_FILE = Path.of("/run/palisade/node-state.pb");

  /** Parses {@code args} as {@code node-daemon} does, or throws with every problem found. */
  public static StreamOptions parse(String... args) {
    return NodeDaemonCommand.parse(args);
  }
}
