package io.palisade.xds;

import io.palisade.pipeline.model.L7Grant;
import java.util.ArrayList;
import java.util.List;

/**
 * The name of the RBAC policy a grant becomes, which Envoy's RBAC stats and the embedded proxy's
 * verdicts report, and its reading back: the port (or range) and where policies wrote the rule,
 * {@code 80 CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[1]} (several
 * separated by {@code "; "}), or {@code 80 rule N} for a rule of no known origin.
 */
public final class RbacPolicyName {

  private static final String SEPARATOR = "; ";

  /** A policy and the path of the rule in it. */
  public record Origin(String policy, String rule) {}

  private RbacPolicyName() {}

  /** The name of {@code g}, the {@code n}th policy of its RBAC. */
  static String of(L7Grant g, int n) {
    return g.origins().isEmpty()
        ? ports(g) + " rule " + n
        : ports(g) + " " + String.join(SEPARATOR, g.origins());
  }

  static String ports(L7Grant g) {
    return g.firstPort() == g.lastPort()
        ? Integer.toString(g.firstPort())
        : g.firstPort() + "-" + g.lastPort();
  }

  /**
   * The origins a name carries ({@code Kind namespace/name path} each); none for a name of no known
   * origin or one this class did not make.
   */
  public static List<Origin> origins(String name) {
    int space = name.indexOf(' ');
    List<Origin> out = new ArrayList<>();
    if (space < 0) {
      return out;
    }
    for (String o : name.substring(space + 1).split(SEPARATOR)) {
      String[] f = o.split(" ");
      if (f.length == 3) {
        out.add(new Origin(f[0] + " " + f[1], f[2]));
      }
    }
    return out;
  }
}
