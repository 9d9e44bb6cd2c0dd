package io.palisade.proxy;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Envoy's {@code config.rbac.v3.RBAC} compiled into predicates: a request is in a policy when one
 * of its permissions and one of its principals match; ALLOW admits a request in some policy, DENY
 * refuses it. Every matcher kind this engine does not know refuses the whole RBAC when it is
 * compiled (fail closed), never a silent match or mismatch. Thread-safe once built.
 */
public final class RbacEngine {

  /** A decision, and the name of the policy that decided it (empty when no policy matched). */
  public record Decision(boolean allowed, Optional<String> policy) {}

  private record CompiledPolicy(
      String name, Predicate<RequestFacts> permission, Predicate<RequestFacts> principal) {}

  private final RBAC.Action action;
  private final List<CompiledPolicy> policies;

  private RbacEngine(RBAC.Action action, List<CompiledPolicy> policies) {
    this.action = action;
    this.policies = List.copyOf(policies);
  }

  /** Compiles {@code rbac}, or throws {@link ProxyConfigException} listing every problem. */
  public static RbacEngine compile(RBAC rbac, String path) {
    Problems problems = new Problems();
    RbacEngine engine = compile(rbac, path, problems);
    problems.throwIfAny();
    return engine;
  }

  static RbacEngine compile(RBAC rbac, String path, Problems problems) {
    if (rbac.getAction() != RBAC.Action.ALLOW && rbac.getAction() != RBAC.Action.DENY) {
      problems.add(path + ".action", rbac.getAction() + " is not enforced (ALLOW and DENY are)");
    }
    if (rbac.hasAuditLoggingOptions()) {
      problems.add(path + ".audit_logging_options", "is not supported by this proxy");
    }
    List<CompiledPolicy> out = new ArrayList<>();
    // Policies in name order, so that the deciding name is the same on every run.
    List<Map.Entry<String, Policy>> sorted =
        rbac.getPoliciesMap().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
    for (Map.Entry<String, Policy> e : sorted) {
      String where = path + ".policies[\"" + e.getKey() + "\"]";
      Policy p = e.getValue();
      if (p.hasCondition() || p.hasCheckedCondition()) {
        problems.add(where + ".condition", "CEL conditions are not supported by this proxy");
      }
      if (p.getPermissionsCount() == 0) {
        problems.add(where + ".permissions", "has no permission (Envoy requires at least one)");
      }
      if (p.getPrincipalsCount() == 0) {
        problems.add(where + ".principals", "has no principal (Envoy requires at least one)");
      }
      List<Predicate<RequestFacts>> perms = new ArrayList<>();
      for (int i = 0; i < p.getPermissionsCount(); i++) {
        perms.add(permission(p.getPermissions(i), where + ".permissions[" + i + "]", problems));
      }
      List<Predicate<RequestFacts>> princs = new ArrayList<>();
      for (int i = 0; i < p.getPrincipalsCount(); i++) {
        princs.add(principal(p.getPrincipals(i), where + ".principals[" + i + "]", problems));
      }
      out.add(new CompiledPolicy(e.getKey(), any(perms), any(princs)));
    }
    return new RbacEngine(rbac.getAction(), out);
  }

  /** The decision for one request. */
  public Decision decide(RequestFacts request) {
    for (CompiledPolicy p : policies) {
      if (p.permission().test(request) && p.principal().test(request)) {
        return new Decision(action == RBAC.Action.ALLOW, Optional.of(p.name()));
      }
    }
    return new Decision(action == RBAC.Action.DENY, Optional.empty());
  }

  private static Predicate<RequestFacts> permission(Permission p, String path, Problems problems) {
    return switch (p.getRuleCase()) {
      case ANY -> {
        boolean any = p.getAny();
        yield r -> any;
      }
      case AND_RULES -> {
        List<Predicate<RequestFacts>> all = new ArrayList<>();
        for (int i = 0; i < p.getAndRules().getRulesCount(); i++) {
          all.add(
              permission(p.getAndRules().getRules(i), path + ".and_rules[" + i + "]", problems));
        }
        yield all(all);
      }
      case OR_RULES -> {
        List<Predicate<RequestFacts>> some = new ArrayList<>();
        for (int i = 0; i < p.getOrRules().getRulesCount(); i++) {
          some.add(permission(p.getOrRules().getRules(i), path + ".or_rules[" + i + "]", problems));
        }
        yield any(some);
      }
      case NOT_RULE -> permission(p.getNotRule(), path + ".not_rule", problems).negate();
      case HEADER -> HeaderPredicate.of(p.getHeader(), path + ".header", problems);
      case DESTINATION_PORT -> {
        int port = p.getDestinationPort();
        yield r -> r.destinationPort() == port;
      }
      case DESTINATION_PORT_RANGE -> {
        // Envoy's Int32Range: start inclusive, end exclusive.
        int start = p.getDestinationPortRange().getStart();
        int end = p.getDestinationPortRange().getEnd();
        yield r -> r.destinationPort() >= start && r.destinationPort() < end;
      }
      case DESTINATION_IP -> {
        Cidr c = Cidr.of(p.getDestinationIp(), path + ".destination_ip", problems);
        yield c == null ? r -> false : r -> c.contains(r.destination());
      }
      default -> refused(path, "the permission " + p.getRuleCase(), problems);
    };
  }

  private static Predicate<RequestFacts> principal(Principal p, String path, Problems problems) {
    return switch (p.getIdentifierCase()) {
      case ANY -> {
        boolean any = p.getAny();
        yield r -> any;
      }
      case AND_IDS -> {
        List<Predicate<RequestFacts>> all = new ArrayList<>();
        for (int i = 0; i < p.getAndIds().getIdsCount(); i++) {
          all.add(principal(p.getAndIds().getIds(i), path + ".and_ids[" + i + "]", problems));
        }
        yield all(all);
      }
      case OR_IDS -> {
        List<Predicate<RequestFacts>> some = new ArrayList<>();
        for (int i = 0; i < p.getOrIds().getIdsCount(); i++) {
          some.add(principal(p.getOrIds().getIds(i), path + ".or_ids[" + i + "]", problems));
        }
        yield any(some);
      }
      case NOT_ID -> principal(p.getNotId(), path + ".not_id", problems).negate();
      case DIRECT_REMOTE_IP -> {
        Cidr c = Cidr.of(p.getDirectRemoteIp(), path + ".direct_remote_ip", problems);
        yield c == null ? r -> false : r -> c.contains(r.source());
      }
      case HEADER -> HeaderPredicate.of(p.getHeader(), path + ".header", problems);
      default -> refused(path, "the principal " + p.getIdentifierCase(), problems);
    };
  }

  private static Predicate<RequestFacts> refused(String path, String what, Problems problems) {
    problems.add(path, what + " is not enforced by this proxy; the config is refused");
    return r -> false;
  }

  private static Predicate<RequestFacts> all(List<Predicate<RequestFacts>> ps) {
    return r -> {
      for (Predicate<RequestFacts> p : ps) {
        if (!p.test(r)) {
          return false;
        }
      }
      return true;
    };
  }

  private static Predicate<RequestFacts> any(List<Predicate<RequestFacts>> ps) {
    return r -> {
      for (Predicate<RequestFacts> p : ps) {
        if (p.test(r)) {
          return true;
        }
      }
      return false;
    };
  }
}
