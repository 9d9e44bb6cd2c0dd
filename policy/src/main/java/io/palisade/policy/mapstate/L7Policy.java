package io.palisade.policy.mapstate;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.PortRuleKafka;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The L7 rules a proxy applies to redirected traffic: requests matching any rule pass. A rule with
 * no fields set is the wildcard that lets every request through, which is what an allow without L7
 * rules contributes when it overlaps a redirect.
 */
public record L7Policy(L7Parser parser, Set<Object> rules) {

  /** The rules in the order the policy lists them (first appearance), so they can be named. */
  public L7Policy {
    rules = Collections.unmodifiableSet(new LinkedHashSet<>(rules));
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

  /** The rule that matches every request of this parser. */
  public Object wildcardRule() {
    return switch (parser) {
      case HTTP -> new PortRuleHTTP(null, null, null, null, null);
      case KAFKA -> new PortRuleKafka(null, null, null, null, null);
      case DNS -> new FQDNSelector(null, "*");
    };
  }

  /** The union of both rule sets; the parsers must agree (callers check). */
  public L7Policy union(L7Policy other) {
    Set<Object> merged = new LinkedHashSet<>(rules);
    merged.addAll(other.rules);
    return new L7Policy(parser, merged);
  }

  /** These rules plus the wildcard: every request passes, but still through the proxy. */
  public L7Policy withWildcard() {
    Set<Object> merged = new LinkedHashSet<>(rules);
    merged.add(wildcardRule());
    return new L7Policy(parser, merged);
  }

  /** Whether every request passes. */
  public boolean allowsAll() {
    return rules.contains(wildcardRule());
  }
}
