package io.palisade.xds;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.Int32Range;
import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.pipeline.model.L7Grant;
import io.palisade.policy.Direction;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.xds.PeerAddresses.AddressSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The HTTP grants of one endpoint in one direction as one RBAC ALLOW: each Cilium rule a policy of
 * its own (port and L7 fields ANDed as permissions, peers as principals on ingress and as
 * destination addresses on egress), the policies ORed, and no policy at all denying every request.
 * Whatever a rule says that RBAC cannot say exactly is an error, never a wider policy.
 */
final class HttpRbac {

  /**
   * Longer regexes are refused before Envoy sees them: RE2 limits a program's size (Envoy's default
   * error level is 100 instructions), and a long pattern is the usual way past it.
   */
  static final int MAX_REGEX_LENGTH = 1024;

  private HttpRbac() {}

  static RBAC rbac(
      String where, Direction direction, List<L7Grant> grants, PeerAddresses peers, Errors errors) {
    RBAC.Builder rbac = RBAC.newBuilder().setAction(RBAC.Action.ALLOW);
    List<L7Grant> ordered =
        grants.stream()
            .sorted(
                Comparator.comparingInt(L7Grant::firstPort)
                    .thenComparingInt(L7Grant::lastPort)
                    .thenComparing(g -> describe(g.rule())))
            .toList();
    int n = 0;
    Map<String, Policy> named = new TreeMap<>();
    for (L7Grant g : ordered) {
      String path = where + " port " + ports(g) + " rule " + describe(g.rule());
      if (!(g.rule() instanceof PortRuleHTTP http)) {
        errors.add(path, "is not an HTTP rule");
        continue;
      }
      Optional<AddressSet> addresses = peers.of(g.peers());
      if (addresses.isEmpty()) {
        continue; // Peers without known addresses (host, remote-node): they select no one.
      }
      Permission.Builder and = Permission.newBuilder();
      Permission.Set.Builder all = Permission.Set.newBuilder().addRules(port(g));
      if (direction == Direction.EGRESS && !(addresses.get() instanceof AddressSet.Any)) {
        all.addRules(destination(addresses.get()));
      }
      headers(http, path, errors).forEach(h -> all.addRules(Permission.newBuilder().setHeader(h)));
      Policy policy =
          Policy.newBuilder()
              .addPermissions(and.setAndRules(all))
              .addPrincipals(
                  direction == Direction.INGRESS
                      ? principal(addresses.get())
                      : Principal.newBuilder().setAny(true).build())
              .build();
      String name = RbacPolicyName.of(g, n++);
      named.put(named.containsKey(name) ? name + " #" + n : name, policy);
    }
    // In name order: the config (an Any's bytes) is the same however its grants were found.
    return rbac.putAllPolicies(named).build();
  }

  private static String ports(L7Grant g) {
    return g.firstPort() == g.lastPort()
        ? Integer.toString(g.firstPort())
        : g.firstPort() + "-" + g.lastPort();
  }

  private static Permission port(L7Grant g) {
    return g.firstPort() == g.lastPort()
        ? Permission.newBuilder().setDestinationPort(g.firstPort()).build()
        : Permission.newBuilder()
            .setDestinationPortRange(
                Int32Range.newBuilder().setStart(g.firstPort()).setEnd(g.lastPort() + 1))
            .build();
  }

  /** Method, path and host as RE2 full matches; headers and header matches as Cilium reads them. */
  static List<HeaderMatcher> headers(PortRuleHTTP http, String path, Errors errors) {
    List<HeaderMatcher> out = new ArrayList<>();
    regex(":method", http.method(), path + ".method", errors).ifPresent(out::add);
    regex(":path", http.path(), path + ".path", errors).ifPresent(out::add);
    regex(":authority", http.host(), path + ".host", errors).ifPresent(out::add);
    List<String> headers = http.headers() == null ? List.of() : http.headers();
    for (String h : headers) {
      // "Name" asks for presence; "Name value" and "Name: value" for that exact value.
      String[] parts = h.split(" ", 2);
      HeaderMatcher.Builder m = HeaderMatcher.newBuilder();
      if (parts.length == 2) {
        m.setName(stripColon(parts[0]))
            .setStringMatch(StringMatcher.newBuilder().setExact(parts[1]));
      } else {
        m.setName(parts[0]).setPresentMatch(true);
      }
      out.add(m.build());
    }
    List<HeaderMatch> matches = http.headerMatches() == null ? List.of() : http.headerMatches();
    for (int i = 0; i < matches.size(); i++) {
      headerMatch(matches.get(i), path + ".headerMatches[" + i + "]", errors).ifPresent(out::add);
    }
    return out;
  }

  private static String stripColon(String name) {
    return name.endsWith(":") ? name.substring(0, name.length() - 1) : name;
  }

  /**
   * Only a match that decides the request maps to RBAC: a mismatch action (LOG, ADD, DELETE,
   * REPLACE) lets a mismatching request through, logged or rewritten, which RBAC cannot do; a
   * Secret's value would have to be read and inlined, which is not done.
   */
  private static Optional<HeaderMatcher> headerMatch(HeaderMatch m, String path, Errors errors) {
    if (m.mismatch() != null && !m.mismatch().isEmpty()) {
      errors.add(
          path + ".mismatch",
          "\""
              + m.mismatch()
              + "\" asks the proxy to let a mismatching request through and "
              + (m.mismatch().equals("LOG") ? "log it" : "rewrite its header")
              + ", which Envoy's RBAC cannot do; only a header match without mismatch is"
              + " enforced");
      return Optional.empty();
    }
    if (m.secret() != null) {
      errors.add(
          path + ".secret",
          "a header value from Secret "
              + m.secret().namespace()
              + "/"
              + m.secret().name()
              + " is not served to the proxies; give the value inline");
      return Optional.empty();
    }
    HeaderMatcher.Builder b = HeaderMatcher.newBuilder().setName(m.name());
    if (m.value() == null) {
      b.setPresentMatch(true);
    } else {
      b.setStringMatch(StringMatcher.newBuilder().setExact(m.value()));
    }
    return Optional.of(b.build());
  }

  private static Optional<HeaderMatcher> regex(
      String header, String regex, String path, Errors errors) {
    if (regex == null || regex.isEmpty()) {
      return Optional.empty();
    }
    if (regex.length() > MAX_REGEX_LENGTH) {
      errors.add(
          path,
          "a regular expression of "
              + regex.length()
              + " characters; the proxies take at most "
              + MAX_REGEX_LENGTH);
      return Optional.empty();
    }
    try {
      com.google.re2j.Pattern.compile(regex);
    } catch (com.google.re2j.PatternSyntaxException e) {
      errors.add(
          path, "\"" + regex + "\" is not a valid RE2 regular expression: " + e.getDescription());
      return Optional.empty();
    }
    return Optional.of(
        HeaderMatcher.newBuilder()
            .setName(header)
            .setStringMatch(
                StringMatcher.newBuilder().setSafeRegex(RegexMatcher.newBuilder().setRegex(regex)))
            .build());
  }

  static Principal principal(AddressSet set) {
    return switch (set) {
      case AddressSet.Any a -> Principal.newBuilder().setAny(true).build();
      case AddressSet.Prefix p ->
          Principal.newBuilder().setDirectRemoteIp(cidr(p.prefix())).build();
      case AddressSet.Minus m -> {
        Principal.Set.Builder except = Principal.Set.newBuilder();
        m.except().forEach(e -> except.addIds(Principal.newBuilder().setDirectRemoteIp(cidr(e))));
        yield Principal.newBuilder()
            .setAndIds(
                Principal.Set.newBuilder()
                    .addIds(Principal.newBuilder().setDirectRemoteIp(cidr(m.within())))
                    .addIds(
                        Principal.newBuilder().setNotId(Principal.newBuilder().setOrIds(except))))
            .build();
      }
      case AddressSet.Union u -> {
        Principal.Set.Builder any = Principal.Set.newBuilder();
        u.parts().forEach(p -> any.addIds(principal(p)));
        yield Principal.newBuilder().setOrIds(any).build();
      }
    };
  }

  static Permission destination(AddressSet set) {
    return switch (set) {
      case AddressSet.Any a -> Permission.newBuilder().setAny(true).build();
      case AddressSet.Prefix p ->
          Permission.newBuilder().setDestinationIp(cidr(p.prefix())).build();
      case AddressSet.Minus m -> {
        Permission.Set.Builder except = Permission.Set.newBuilder();
        m.except().forEach(e -> except.addRules(Permission.newBuilder().setDestinationIp(cidr(e))));
        yield Permission.newBuilder()
            .setAndRules(
                Permission.Set.newBuilder()
                    .addRules(Permission.newBuilder().setDestinationIp(cidr(m.within())))
                    .addRules(
                        Permission.newBuilder()
                            .setNotRule(Permission.newBuilder().setOrRules(except))))
            .build();
      }
      case AddressSet.Union u -> {
        Permission.Set.Builder any = Permission.Set.newBuilder();
        u.parts().forEach(p -> any.addRules(destination(p)));
        yield Permission.newBuilder().setOrRules(any).build();
      }
    };
  }

  static CidrRange cidr(CidrPrefix p) {
    String text = p.toString();
    return CidrRange.newBuilder()
        .setAddressPrefix(text.substring(0, text.indexOf('/')))
        .setPrefixLen(UInt32Value.of(p.length()))
        .build();
  }

  /** A rule as a policy would write it, for names and errors: {method: "POST", path: "/x"}. */
  static String describe(Object rule) {
    if (!(rule instanceof PortRuleHTTP h)) {
      return String.valueOf(rule);
    }
    List<String> fields = new ArrayList<>();
    if (h.method() != null) fields.add("method: \"" + h.method() + "\"");
    if (h.path() != null) fields.add("path: \"" + h.path() + "\"");
    if (h.host() != null) fields.add("host: \"" + h.host() + "\"");
    if (h.headers() != null && !h.headers().isEmpty()) fields.add("headers: " + h.headers());
    if (h.headerMatches() != null && !h.headerMatches().isEmpty()) {
      fields.add("headerMatches: " + h.headerMatches().size());
    }
    return "{" + String.join(", ", fields) + "}";
  }
}
