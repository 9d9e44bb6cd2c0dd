package io.palisade.cli;

import io.palisade.policy.Protocol;
import io.palisade.policy.reach.CellPort;
import java.util.ArrayList;
import java.util.List;

/**
 * A port and protocol as written on the command line: {@code 80/TCP}, {@code 53/udp}, {@code
 * 8/ICMP}.
 */
public record PortSpec(int port, Protocol protocol) {

  public static PortSpec parse(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length != 2 || !parts[0].matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException(
          "port \"" + text + "\" must be NUMBER/PROTOCOL, e.g. 80/TCP");
    }
    int port = Integer.parseInt(parts[0]);
    Protocol proto =
        Protocol.parse(parts[1])
            .filter(p -> p != Protocol.ANY)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "port \"" + text + "\": protocol must be TCP, UDP, SCTP, ICMP or ICMPV6"));
    int max = proto.hasPorts() ? 65535 : 255;
    if (port > max || (proto.hasPorts() && port == 0)) {
      throw new IllegalArgumentException(
          "port \""
              + text
              + "\": "
              + (proto.hasPorts() ? "port must be 1-65535" : "ICMP type must be 0-255"));
    }
    return new PortSpec(port, proto);
  }

  public static List<PortSpec> parseList(String text) {
    List<PortSpec> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(part));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--ports needs at least one NUMBER/PROTOCOL");
    }
    return out;
  }

  /** The port as the reachability matrix takes it. */
  public CellPort cellPort() {
    return new CellPort(protocol, port);
  }

  @Override
  public String toString() {
    return port + "/" + protocol;
  }
}
