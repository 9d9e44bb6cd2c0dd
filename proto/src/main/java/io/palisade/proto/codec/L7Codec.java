package io.palisade.proto.codec;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.HeaderMatch;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.PortRuleKafka;
import io.palisade.crds.api.SecretRef;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.policy.mapstate.L7Policy;
import io.palisade.proto.nodestate.v1.DnsRule;
import io.palisade.proto.nodestate.v1.HttpHeaderMatch;
import io.palisade.proto.nodestate.v1.HttpRule;
import io.palisade.proto.nodestate.v1.KafkaRule;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A redirect's HTTP, Kafka or DNS rules on the node-state stream, field for field, so that a
 * daemon's embedded proxy enforces exactly what the policy says: an absent field and an empty one
 * are the same on the wire and both decode as absent (the rule's fields are optional and an empty
 * value is refused by validation, so nothing is lost).
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

  /** Adds the rules of {@code l7} to a redirect entry, in the field its parser names. */
  static void addRules(io.palisade.proto.nodestate.v1.MapStateEntry.Builder b, L7Policy l7) {
    for (Object r : l7.rules()) {
      switch (l7.parser()) {
        case HTTP -> b.addHttpRules(http((PortRuleHTTP) r, l7.origins(r)));
        case KAFKA -> b.addKafkaRules(kafka((PortRuleKafka) r, l7.origins(r)));
        case DNS -> b.addDnsRules(dns((FQDNSelector) r, l7.origins(r)));
      }
    }
  }

  /** The rules of a redirect of {@code parser}, from the field its parser names. */
  static L7Policy policy(L7Parser parser, io.palisade.proto.nodestate.v1.MapStateEntry e) {
    Set<Object> out = new LinkedHashSet<>();
    Map<Object, Set<String>> origins = new LinkedHashMap<>();
    switch (parser) {
      case HTTP ->
          e.getHttpRulesList().forEach(r -> add(out, origins, http(r), r.getOriginsList()));
      case KAFKA ->
          e.getKafkaRulesList().forEach(r -> add(out, origins, kafka(r), r.getOriginsList()));
      case DNS -> e.getDnsRulesList().forEach(r -> add(out, origins, dns(r), r.getOriginsList()));
    }
    return new L7Policy(parser, out, origins);
  }

  private static void add(
      Set<Object> out, Map<Object, Set<String>> origins, Object rule, List<String> where) {
    out.add(rule);
    origins.computeIfAbsent(rule, k -> new LinkedHashSet<>()).addAll(where);
  }

  static KafkaRule kafka(PortRuleKafka r, Set<String> origins) {
    return KafkaRule.newBuilder()
        .setRole(orEmpty(r.role()))
        .setApiKey(orEmpty(r.apiKey()))
        .setApiVersion(orEmpty(r.apiVersion()))
        .setClientId(orEmpty(r.clientID()))
        .setTopic(orEmpty(r.topic()))
        .addAllOrigins(origins)
        .build();
  }

  static PortRuleKafka kafka(KafkaRule r) {
    return new PortRuleKafka(
        orNull(r.getRole()),
        orNull(r.getApiKey()),
        orNull(r.getApiVersion()),
        orNull(r.getClientId()),
        orNull(r.getTopic()));
  }

  static DnsRule dns(FQDNSelector r, Set<String> origins) {
    return DnsRule.newBuilder()
        .setMatchName(orEmpty(r.matchName()))
        .setMatchPattern(orEmpty(r.matchPattern()))
        .addAllOrigins(origins)
        .build();
  }

  static FQDNSelector dns(DnsRule r) {
    return new FQDNSelector(orNull(r.getMatchName()), orNull(r.getMatchPattern()));
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
