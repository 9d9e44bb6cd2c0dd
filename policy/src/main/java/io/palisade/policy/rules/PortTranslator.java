package io.palisade.policy.rules;

import io.palisade.crds.api.ICMPField;
import io.palisade.crds.api.ICMPRule;
import io.palisade.crds.api.L7Rules;
import io.palisade.crds.api.PortProtocol;
import io.palisade.policy.Protocol;
import io.palisade.policy.mapstate.L7Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Turns validated {@code toPorts} and {@code icmps} into {@link PortMatch}es. */
public final class PortTranslator {

  private PortTranslator() {}

  /** The port entries of one {@code toPorts} element, all carrying its L7 rules. */
  public static List<PortMatch> ports(List<PortProtocol> ports, Optional<L7Policy> l7) {
    List<PortMatch> out = new ArrayList<>();
    if (ports == null) {
      return out;
    }
    for (PortProtocol pp : ports) {
      Protocol proto =
          pp.protocol() == null || pp.protocol().isEmpty()
              ? Protocol.ANY
              : Protocol.parse(pp.protocol()).orElse(Protocol.ANY);
      String port = pp.port() == null ? "0" : pp.port().trim();
      if (port.isEmpty()) {
        port = "0";
      }
      if (port.matches("[0-9]+")) {
        int p = Integer.parseInt(port);
        int end = pp.endPort() == null ? p : pp.endPort();
        out.add(PortMatch.numeric(proto, p, end, l7));
      } else {
        out.add(PortMatch.named(proto, port.toLowerCase(Locale.ROOT), l7));
      }
    }
    return out;
  }

  /** The L7 rules of a port rule, if it has any. */
  public static Optional<L7Policy> l7(L7Rules rules) {
    if (rules == null) {
      return Optional.empty();
    }
    if (rules.http() != null && !rules.http().isEmpty()) {
      return Optional.of(L7Policy.http(rules.http()));
    }
    if (rules.kafka() != null && !rules.kafka().isEmpty()) {
      return Optional.of(L7Policy.kafka(rules.kafka()));
    }
    if (rules.dns() != null && !rules.dns().isEmpty()) {
      return Optional.of(L7Policy.dns(rules.dns()));
    }
    return Optional.empty();
  }

  /** ICMP types as port entries: the datapath keeps the type where a port would be. */
  public static List<PortMatch> icmps(List<ICMPRule> icmps) {
    List<PortMatch> out = new ArrayList<>();
    if (icmps == null) {
      return out;
    }
    for (ICMPRule rule : icmps) {
      if (rule.fields() == null) {
        continue;
      }
      for (ICMPField f : rule.fields()) {
        String family = f.family() == null ? "IPv4" : f.family();
        Protocol proto = "IPv6".equals(family) ? Protocol.ICMPV6 : Protocol.ICMP;
        String type =
            f.type() == null
                ? null
                : f.type().getIntVal() != null
                    ? f.type().getIntVal().toString()
                    : f.type().getStrVal();
        IcmpTypes.resolve(family, type)
            .ifPresent(t -> out.add(PortMatch.numeric(proto, t, t, Optional.empty())));
      }
    }
    return out;
  }
}
