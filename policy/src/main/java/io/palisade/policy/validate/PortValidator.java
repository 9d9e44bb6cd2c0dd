package io.palisade.policy.validate;

import io.palisade.crds.api.ICMPField;
import io.palisade.crds.api.ICMPRule;
import io.palisade.crds.api.PortProtocol;
import io.palisade.crds.api.PortRule;
import io.palisade.policy.Direction;
import io.palisade.policy.Protocol;
import io.palisade.policy.rules.IcmpTypes;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Validates {@code toPorts} (ports, protocols, TLS, listener, L7) and {@code icmps}. */
final class PortValidator {

  private static final int MAX_PORTS = 40;
  private static final int MAX_ICMP_TYPES = 40;

  /** Protocols without ports that Cilium matches only behind a flag that is off by default. */
  private static final Set<String> EXTENDED =
      Set.of("VRRP", "IGMP", "GRE", "IPIP", "IPV6", "ESP", "AH");

  /** An IANA service name, as Cilium accepts it for a named port. */
  private static final Pattern PORT_NAME =
      Pattern.compile("([a-zA-Z0-9]-?)*[a-zA-Z](-?[a-zA-Z0-9])*");

  private PortValidator() {}

  /** One port of a {@code ports} list. */
  static void port(PortProtocol pp, String path, FieldErrors out) {
    if (pp == null) {
      out.add(path, "port must be specified");
      return;
    }
    if (pp.protocol() != null && EXTENDED.contains(pp.protocol().toUpperCase(Locale.ROOT))) {
      out.add(
          path + ".protocol",
          Quote.of(pp.protocol())
              + " is an extended IP protocol (Cilium's --enable-extended-ip-protocols), which"
              + " Palisade does not enforce");
      return;
    }
    if (pp.protocol() != null && !pp.protocol().isEmpty() && protocol(pp).isEmpty()) {
      out.add(
          path + ".protocol",
          Quote.of(pp.protocol()) + " is not a valid protocol (TCP, UDP, SCTP, ICMP, ICMPv6, ANY)");
    }
    String port = pp.port() == null ? "" : pp.port();
    if (port.isEmpty()) {
      out.add(path + ".port", "port must be specified (use \"0\" for every port)");
      return;
    }
    Integer number = number(port);
    if (number == null) {
      if (port.length() > 15 || !PORT_NAME.matcher(port).matches()) {
        out.add(
            path + ".port", Quote.of(port) + " is neither a port number (0-65535) nor a port name");
      } else if (pp.endPort() != null && pp.endPort() != 0) {
        out.add(path + ".endPort", "cannot be used with the named port " + Quote.of(port));
      }
      return;
    }
    if (number > 0xFFFF) {
      out.add(path + ".port", Quote.of(port) + " is out of range (0-65535)");
    }
    if (pp.endPort() != null) {
      int end = pp.endPort();
      if (end < 0 || end > 0xFFFF) {
        out.add(path + ".endPort", end + " is not a port (0-65535)");
      } else if (end != 0 && end < number) {
        out.add(path + ".endPort", end + " is lower than port " + number);
      }
    }
  }

  static Optional<Protocol> protocol(PortProtocol pp) {
    if (pp.protocol() == null || pp.protocol().isEmpty()) {
      return Optional.of(Protocol.ANY);
    }
    return Protocol.parse(pp.protocol());
  }

  /** The port as a number, or null when it is a name. Numbers are decimal, as Cilium reads them. */
  static Integer number(String port) {
    if (!port.matches("[0-9]{1,6}")) {
      return null;
    }
    return Integer.parseInt(port);
  }

  /** One element of {@code toPorts} of an allow rule. */
  static void portRule(PortRule pr, Direction direction, String path, FieldErrors out) {
    if (pr == null) {
      return;
    }
    List<PortProtocol> ports = pr.ports() == null ? List.of() : pr.ports();
    if (ports.size() > MAX_PORTS) {
      out.add(path + ".ports", "too many ports (" + ports.size() + "), the max is " + MAX_PORTS);
    }
    for (int i = 0; i < ports.size(); i++) {
      port(ports.get(i), path + ".ports[" + i + "]", out);
    }
    boolean hasL7 = L7Validator.hasRules(pr.rules());
    if (pr.rules() != null) {
      L7Validator.rules(pr.rules(), ports, direction, path + ".rules", out);
    }
    if (pr.serverNames() != null) {
      for (int i = 0; i < pr.serverNames().size(); i++) {
        String sni = pr.serverNames().get(i);
        if (sni == null || sni.isEmpty()) {
          out.add(path + ".serverNames[" + i + "]", "empty server name is not allowed");
        }
      }
      if (hasL7 && pr.terminatingTLS() == null) {
        out.add(path + ".serverNames", "not allowed with L7 rules without terminatingTLS");
      }
    }
    if (pr.listener() != null) {
      String name = pr.listener().name() == null ? "" : pr.listener().name();
      if (direction == Direction.INGRESS) {
        out.add(path + ".listener", "is not allowed on ingress (" + Quote.of(name) + ")");
      }
      if (hasL7) {
        out.add(path + ".listener", "is not allowed with L7 rules (" + Quote.of(name) + ")");
      }
    }
  }

  static void icmps(List<ICMPRule> icmps, String path, FieldErrors out) {
    if (icmps == null) {
      return;
    }
    for (int i = 0; i < icmps.size(); i++) {
      ICMPRule rule = icmps.get(i);
      List<ICMPField> fields = rule == null || rule.fields() == null ? List.of() : rule.fields();
      String at = path + "[" + i + "].fields";
      if (fields.size() > MAX_ICMP_TYPES) {
        out.add(at, "too many types (" + fields.size() + "), the max is " + MAX_ICMP_TYPES);
      }
      for (int j = 0; j < fields.size(); j++) {
        icmpField(fields.get(j), at + "[" + j + "]", out);
      }
    }
  }

  private static void icmpField(ICMPField f, String path, FieldErrors out) {
    if (f == null) {
      return;
    }
    String family = f.family() == null ? "IPv4" : f.family();
    if (!family.equals("IPv4") && !family.equals("IPv6")) {
      out.add(path + ".family", Quote.of(family) + " is not a family (IPv4 or IPv6)");
      return;
    }
    if (f.type() == null) {
      out.add(path + ".type", "must be set");
      return;
    }
    String type =
        f.type().getIntVal() != null ? f.type().getIntVal().toString() : f.type().getStrVal();
    if (IcmpTypes.resolve(family, type).isEmpty()) {
      out.add(
          path + ".type",
          Quote.of(type)
              + " is not an "
              + family
              + " ICMP type (0-255 or a name such as EchoRequest)");
    }
  }
}
