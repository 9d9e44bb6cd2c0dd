package io.palisade.policy.reach;

import io.palisade.policy.Direction;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.Pod;
import io.palisade.policy.resolve.NamedPort;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PortMatch;
import io.palisade.policy.rules.RuleSection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The ports a diff looks at when none are given: every port the pods declare (their container
 * ports) and every port the policies name (each end of a range, each ICMP type). A rule that allows
 * every port is seen at these ports; a port nobody declares or names is not looked at.
 */
public final class CellPorts {

  private CellPorts() {}

  public static List<CellPort> of(Cluster cluster, Collection<List<PolicyRule>> ruleSets) {
    TreeSet<CellPort> ports = new TreeSet<>();
    for (Pod pod : cluster.pods()) {
      for (NamedPort np : pod.ports()) {
        ports.add(new CellPort(np.protocol(), np.port()));
      }
    }
    for (List<PolicyRule> rules : ruleSets) {
      for (PolicyRule rule : rules) {
        for (Direction d : Direction.values()) {
          for (RuleSection s : rule.sections(d)) {
            for (PortMatch pm : s.ports()) {
              named(ports, pm);
            }
          }
        }
      }
    }
    return new ArrayList<>(ports);
  }

  private static void named(TreeSet<CellPort> ports, PortMatch pm) {
    if (pm.name().isPresent() || pm.allPorts()) {
      return; // a named port is a container port, counted above; "every port" names none
    }
    for (var proto : pm.protocols()) {
      ports.add(new CellPort(proto, pm.port()));
      ports.add(new CellPort(proto, pm.endPort()));
    }
  }
}
