package io.palisade.xds;

import com.google.re2j.Pattern;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.palisade.policy.identity.CidrPrefix;
import java.util.Map;

/**
 * Envoy's RBAC decision for one request, for the fields the translator emits: what the golden test
 * uses to show that a resource admits what the policy says and nothing else. Anything else it meets
 * fails the test rather than guessing.
 */
final class RbacEvaluator {

  record Request(
      String method,
      String path,
      String authority,
      Map<String, String> headers,
      String source,
      String destination,
      int port) {

    String header(String name) {
      return switch (name) {
        case ":method" -> method;
        case ":path" -> path;
        case ":authority" -> authority;
        default -> headers.get(name);
      };
    }
  }

  private RbacEvaluator() {}

  static boolean allows(RBAC rbac, Request r) {
    if (rbac.getAction() != RBAC.Action.ALLOW) {
      throw new AssertionError("only ALLOW is emitted");
    }
    for (Policy p : rbac.getPoliciesMap().values()) {
      boolean perm = p.getPermissionsList().stream().anyMatch(x -> permits(x, r));
      boolean princ = p.getPrincipalsList().stream().anyMatch(x -> identifies(x, r));
      if (perm && princ) {
        return true;
      }
    }
    return false;
  }

  static boolean permits(Permission p, Request r) {
    return switch (p.getRuleCase()) {
      case ANY -> p.getAny();
      case AND_RULES -> p.getAndRules().getRulesList().stream().allMatch(x -> permits(x, r));
      case OR_RULES -> p.getOrRules().getRulesList().stream().anyMatch(x -> permits(x, r));
      case NOT_RULE -> !permits(p.getNotRule(), r);
      case HEADER -> header(p.getHeader(), r);
      case DESTINATION_PORT -> p.getDestinationPort() == r.port();
      case DESTINATION_PORT_RANGE ->
          r.port() >= p.getDestinationPortRange().getStart()
              && r.port() < p.getDestinationPortRange().getEnd();
      case DESTINATION_IP -> in(p.getDestinationIp(), r.destination());
      default -> throw new AssertionError("not emitted: " + p.getRuleCase());
    };
  }

  static boolean identifies(Principal p, Request r) {
    return switch (p.getIdentifierCase()) {
      case ANY -> p.getAny();
      case AND_IDS -> p.getAndIds().getIdsList().stream().allMatch(x -> identifies(x, r));
      case OR_IDS -> p.getOrIds().getIdsList().stream().anyMatch(x -> identifies(x, r));
      case NOT_ID -> !identifies(p.getNotId(), r);
      case DIRECT_REMOTE_IP -> in(p.getDirectRemoteIp(), r.source());
      default -> throw new AssertionError("not emitted: " + p.getIdentifierCase());
    };
  }

  private static boolean header(HeaderMatcher m, Request r) {
    String v = r.header(m.getName());
    return switch (m.getHeaderMatchSpecifierCase()) {
      case PRESENT_MATCH -> v != null;
      case STRING_MATCH ->
          v != null
              && switch (m.getStringMatch().getMatchPatternCase()) {
                case EXACT -> v.equals(m.getStringMatch().getExact());
                case SAFE_REGEX ->
                    Pattern.compile(m.getStringMatch().getSafeRegex().getRegex()).matches(v);
                default -> throw new AssertionError("not emitted");
              };
      default -> throw new AssertionError("not emitted: " + m.getHeaderMatchSpecifierCase());
    };
  }

  private static boolean in(CidrRange range, String address) {
    CidrPrefix p =
        CidrPrefix.read(range.getAddressPrefix() + "/" + range.getPrefixLen().getValue());
    return p.containsAddress(CidrPrefix.parseAddress(address).orElseThrow());
  }
}
