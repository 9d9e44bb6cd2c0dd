package io.palisade.proto.codec;

import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.SecretRef;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.proto.nodestate.v1.HttpHeaderMatch;
import io.palisade.proto.nodestate.v1.HttpRule;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A redirect's HTTP rules on the node-state stream, field for field, so that a daemon's embedded
 * proxy enforces exactly what the policy says: an absent field and an empty one are the same on the
 * wire and both decode as absent (the rule's fields are optional and an empty value is refused by
 * validation, so nothing is lost).
 */
final class L7Codec {

  private L7Codec() {}

  static HttpRule http(PortRuleHTTP r, Set<String> origins) {
    HttpRule.Builder b =
        HttpRule.newBuilder()
            .setMethod(orEmpty(r.method()))
            .setPath(orEmpty(r.path()))
            .setHost(orEmpty(r.host()))
            .addAllOrigins(origins);
    if (r.headers() != null) {
      b.addAllHeaders(r.headers());
    }
    if (r.headerMatches() != null) {
      for (HeaderMatch m : r.headerMatches()) {
        HttpHeaderMatch.Builder h =
            HttpHeaderMatch.newBuilder()
                .setMismatch(orEmpty(m.mismatch()))
                .setName(orEmpty(m.name()))
                .setValue(orEmpty(m.value()));
        if (m.secret() != null) {
          h.setHasSecret(true)
              .setSecretNamespace(orEmpty(m.secret().namespace()))
              .setSecretName(orEmpty(m.secret().name()));
        }
        b.addHeaderMatches(h);
      }
    }
    return b.build();
  }

  /** The rules of a redirect of {@code parser}; only HTTP rules travel, others decode as none. */
  static L7Policy policy(L7Parser parser, List<HttpRule> rules) {
    Set<Object> out = new LinkedHashSet<>();
    Map<Object, Set<String>> origins = new LinkedHashMap<>();
    if (parser == L7Parser.HTTP) {
      for (HttpRule r : rules) {
        PortRuleHTTP rule = http(r);
        out.add(rule);
        origins.computeIfAbsent(rule, k -> new LinkedHashSet<>()).addAll(r.getOriginsList());
      }
    }
    return new L7Policy(parser, out, origins);
  }

  static PortRuleHTTP http(HttpRule r) {
    List<HeaderMatch> matches = null;
    if (r.getHeaderMatchesCount() > 0) {
      matches =
          r.getHeaderMatchesList().stream()
              .map(
                  h ->
                      new HeaderMatch(
                          orNull(h.getMismatch()),
                          orNull(h.getName()),
                          h.getHasSecret()
                              ? new SecretRef(
                                  orNull(h.getSecretNamespace()), orNull(h.getSecretName()))
                              : null,
                          orNull(h.getValue())))
              .toList();
    }
    return new PortRuleHTTP(
        orNull(r.getPath()),
        orNull(r.getMethod()),
        orNull(r.getHost()),
        r.getHeadersCount() == 0 ? null : List.copyOf(r.getHeadersList()),
        matches);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String orNull(String s) {
    return s.isEmpty() ? null : s;
  }
}
