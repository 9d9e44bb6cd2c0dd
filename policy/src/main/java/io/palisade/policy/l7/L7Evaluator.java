package io.palisade.policy.l7;

import io.palisade.crds.api.FQDNSelector;
import io.palisade.crds.api.PortRuleHTTP;
import io.palisade.crds.api.PortRuleKafka;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides one request under the L7 rules of a port, as Cilium's proxies do: the rules are ORed, a
 * request passes when any admits it. Pure and thread-safe; {@code trace} explains with it, and a
 * proxy may decide with it.
 */
public final class L7Evaluator {

  private L7Evaluator() {}

  /**
   * The decision on {@code request} under {@code rules} (Cilium {@code PortRuleHTTP}, {@code
   * PortRuleKafka} or {@code FQDNSelector} objects, of the request's parser). A rule of another
   * parser admits nothing.
   */
  public static L7Decision evaluate(List<?> rules, L7Request request) {
    if (request instanceof KafkaRequest kafka) {
      List<PortRuleKafka> kafkaRules = new ArrayList<>();
      for (Object r : rules) {
        if (!(r instanceof PortRuleKafka k)) {
          return oneByOne(rules, request);
        }
        kafkaRules.add(k);
      }
      return KafkaRules.evaluate(kafkaRules, kafka);
    }
    return oneByOne(rules, request);
  }

  private static L7Decision oneByOne(List<?> rules, L7Request request) {
    List<RuleResult> results = new ArrayList<>();
    boolean allowed = false;
    for (int i = 0; i < rules.size(); i++) {
      List<String> misses = misses(rules.get(i), request);
      allowed |= misses.isEmpty();
      results.add(new RuleResult(i, rules.get(i), misses.isEmpty(), misses));
    }
    return new L7Decision(allowed, results);
  }

  private static List<String> misses(Object rule, L7Request request) {
    return switch (request) {
      case HttpRequest h when rule instanceof PortRuleHTTP r -> HttpRules.misses(r, h);
      case DnsQuery q when rule instanceof FQDNSelector s -> DnsRules.misses(s, q);
      case KafkaRequest k when rule instanceof PortRuleKafka r ->
          KafkaRules.evaluate(List.of(r), k).rules().getFirst().reasons();
      default -> List.of("a " + RuleText.kind(rule) + " rule does not apply to this request");
    };
  }
}
