package io.palisade.web;

import io.palisade.policy.Protocol;
import io.palisade.policy.reach.CellPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The {@code ports} query parameter: {@code 80/TCP,53/UDP} (a bare number is TCP; ICMP's type in
 * the port slot). Every bad entry is named by its index.
 */
final class PortList {

  /** More ports than this make a matrix no page can show. */
  static final int MAX_PORTS = 16;

  private PortList() {}

  /** The ports, or the errors of every bad entry (then the list is empty). */
  record Parsed(List<CellPort> ports, List<String> errors) {}

  static Parsed parse(String text) {
    List<String> errors = new ArrayList<>();
    LinkedHashSet<CellPort> ports = new LinkedHashSet<>();
    String[] items = text.split(",", -1);
    for (int i = 0; i < items.length; i++) {
      String item = items[i].trim();
      String field = "ports[" + i + "]";
      int slash = item.indexOf('/');
      String number = slash < 0 ? item : item.substring(0, slash);
      String proto = slash < 0 ? "TCP" : item.substring(slash + 1);
      var protocol = Protocol.parse(proto).filter(p -> p != Protocol.ANY);
      if (protocol.isEmpty()) {
        errors.add(field + ": \"" + item + "\" has no known protocol (TCP, UDP, SCTP, ICMP)");
        continue;
      }
      int port;
      try {
        port = Integer.parseInt(number);
      } catch (NumberFormatException e) {
        errors.add(field + ": \"" + item + "\" is not N/PROTO, e.g. 80/TCP");
        continue;
      }
      int max = protocol.get().hasPorts() ? 65535 : 255;
      if (port < (protocol.get().hasPorts() ? 1 : 0) || port > max) {
        errors.add(field + ": \"" + item + "\" is out of range (at most " + max + ")");
        continue;
      }
      ports.add(new CellPort(protocol.get(), port));
    }
    if (errors.isEmpty() && ports.size() > MAX_PORTS) {
      errors.add("ports: " + ports.size() + " ports, at most " + MAX_PORTS);
    }
    return errors.isEmpty()
        ? new Parsed(List.copyOf(ports), List.of())
        : new Parsed(List.of(), List.copyOf(errors));
  }
}
