package io.palisade.node.cli;

import io.palisade.http.ListenAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * {@code --metrics-port N [--metrics-address IP]} in both modes: where /metrics, /healthz and
 * /readyz listen. Loopback unless an address is given, since the counters tell who talks to whom.
 */
public final class MetricsListen {

  private MetricsListen() {}

  /** The address to serve on, none for port 0; problems go to {@code errors}, naming the option. */
  public static Optional<InetSocketAddress> parse(
      String port, String address, List<String> errors) {
    if (port == null || port.equals("0")) {
      return Optional.empty();
    }
    if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
      errors.add("--metrics-port " + port + ": expected a port number, 1-65535 (0: no metrics)");
      return Optional.empty();
    }
    try {
      return Optional.of(
          ListenAddress.parse(
              "--metrics-address",
              address == null ? ListenAddress.LOOPBACK : address,
              Integer.parseInt(port)));
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
      return Optional.empty();
    }
  }
}
