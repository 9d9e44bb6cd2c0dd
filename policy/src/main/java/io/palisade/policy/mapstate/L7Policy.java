package io.palisade.policy.mapstate;

import com.google.common.collect.MapMaker;
import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.PortRuleKafka;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentMap;

/**
 * The L7 rules a proxy applies to redirected traffic: requests matching any rule pass. A rule with
 * no fields set is the wildcard that lets every request through, which is what an allow without L7
 * rules contributes when it overlaps a redirect. {@code origins} names, per rule, where policies
 * wrote it ({@code CiliumNetworkPolicy default/rule1 spec.ingress[0].toPorts[0].rules.http[1]}), so
 * that a proxy's verdict can name the policy rather than the merged entry; a rule without an origin
 * (the wildcard of a plain allow) has none.
 */
public record L7Policy(L7Parser parser, Set<Object> rules, Map<Object, Set<String>> origins) {

  /** The rules in the order the policy lists them (first appearance), so they can be named. */
  public L7Policy {
    rules = Collections.unmodifiableSet(new LinkedHashSet<>(rules));
    Map<Object, Set<String>> o = new LinkedHashMap<>();
    origins.forEach(
        (rule, where) -> {
          if (!where.isEmpty()) {
            o.put(rule, Collections.unmodifiableSet(new TreeSet<>(where)));
          }
        });
    origins = Collections.unmodifiableMap(o);
  }

  /** Rules of no known origin. */
  public L7Policy(L7Parser parser, Set<Object> rules) {
    this(parser, rules, Map.of());
  }

  /** The rules in order, each with its index in this list. */
  public List<Object> ordered() {
    return List.copyOf(rules);
  }

  public static L7Policy http(List<PortRuleHTTP> rules) {
    return new L7Policy(L7Parser.HTTP, new LinkedHashSet<>(rules));
  }

  public static L7Policy kafka(List<PortRuleKafka> rules) {
    return new L7Policy(L7Parser.KAFKA, new LinkedHashSet<>(rules));
  }

  public static L7Policy dns(List<FQDNSelector> rules) {
    return new L7Policy(L7Parser.DNS, new LinkedHashSet<>(rules));
  }

  /**
   * These rules, each named as written at {@code portRule} ({@code CiliumNetworkPolicy ns/name
   * spec.ingress[0].toPorts[0]}): rule i becomes {@code <portRule>.rules.http[i]} (kafka, dns).
   */
  public L7Policy writtenAt(String portRule) {
    String field =
        switch (parser) {
          case HTTP -> "http";
          case KAFKA -> "kafka";
          case DNS -> "dns";
        };
    Map<Object, Set<String>> named = new LinkedHashMap<>();
    int i = 0;
    for (Object rule : rules) {
      named.put(rule, Set.of(portRule + ".rules." + field + "[" + i++ + "]"));
    }
    return new L7Policy(parser, rules, named);
  }

  /** Where policies wrote {@code rule}, in order; empty when not known. */
  public Set<String> origins(Object rule) {
    return origins.getOrDefault(rule, Set.of());
  }

  // Shared: allowsAll asks for one on every merge of a redirect with an allow.
  private static final PortRuleHTTP HTTP_WILDCARD = new PortRuleHTTP(null, null, null, null, null);
  private static final PortRuleKafka KAFKA_WILDCARD =
      new PortRuleKafka(null, null, null, null, null);
  private static final FQDNSelector DNS_WILDCARD = new FQDNSelector(null, "*");

  // A redirect meets an allow on the same key in every subject its rule selects, so the same few
  // policies are widened again and again; building the widened sets each time was a tenth of what
  // a full resolution allocated. Keys by identity, held weakly.
  private static final ConcurrentMap<L7Policy, L7Policy> WIDENED =
      new MapMaker().weakKeys().makeMap();

  /** The rule that matches every request of this parser. */
  public Object wildcardRule() {
    return switch (parser) {
      case HTTP -> HTTP_WILDCARD;
      case KAFKA -> KAFKA_WILDCARD;
      case DNS -> DNS_WILDCARD;
    };
  }

  /** The union of both rule sets and of their origins; the parsers must agree (callers check). */
  public L7Policy union(L7Policy other) {
    if (other == this) {
      return this;
    }
    Set<Object> merged = new LinkedHashSet<>(rules);
    merged.addAll(other.rules);
    Map<Object, Set<String>> o = new LinkedHashMap<>();
    origins.forEach((r, w) -> o.put(r, new TreeSet<>(w)));
    other.origins.forEach((r, w) -> o.computeIfAbsent(r, k -> new TreeSet<>()).addAll(w));
    return new L7Policy(parser, merged, o);
  }

  /** These rules plus the wildcard: every request passes, but still through the proxy. */
  public L7Policy withWildcard() {
    if (allowsAll()) {
      return this; // Equal to what adding it again would make.
    }
    L7Policy widened = WIDENED.get(this);
    if (widened == null) {
      Set<Object> merged = new LinkedHashSet<>(rules);
      merged.add(wildcardRule());
      widened = new L7Policy(parser, merged, origins);
      L7Policy raced = WIDENED.putIfAbsent(this, widened);
      widened = raced == null ? widened : raced;
    }
    return widened;
  }

  /** Whether every request passes. */
  public boolean allowsAll() {
    return rules.contains(wildcardRule());
  }
}
