package io.palisade.policy.l7;

import io.palisade.crds.api.PortRuleKafka;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Matches a Kafka request against Cilium's Kafka rules, as proxylib's {@code kafkalib} does: a
 * rule's {@code role} or {@code apiKey}, {@code apiVersion} and {@code clientID} must match; its
 * {@code topic} constrains only requests that carry topics, and a request naming several topics
 * passes when the matching rules together cover every one of them.
 */
final class KafkaRules {

  private KafkaRules() {}

  static L7Decision evaluate(List<PortRuleKafka> rules, KafkaRequest request) {
    boolean topical = request.apiKey() >= 0 && KafkaApiKeys.carriesTopics(request.apiKey());
    Set<String> uncovered = new LinkedHashSet<>(request.topics());
    List<List<String>> misses = new ArrayList<>();
    List<Optional<String>> covers = new ArrayList<>();
    boolean whole = false;
    for (PortRuleKafka rule : rules) {
      List<String> out = fieldMisses(rule, request);
      Optional<String> cover = Optional.empty();
      boolean topicRule = rule.topic() != null && !rule.topic().isEmpty();
      if (out.isEmpty() && topicRule && topical) {
        if (request.topics().contains(rule.topic())) {
          cover = Optional.of(rule.topic());
          uncovered.remove(rule.topic());
        } else {
          out.add(
              request.topics().isEmpty()
                  ? "topic: the request names none, the rule asks for \"" + rule.topic() + "\""
                  : "topic \""
                      + rule.topic()
                      + "\" is not among the request's "
                      + request.topics());
        }
      }
      whole |= out.isEmpty() && cover.isEmpty();
      misses.add(out);
      covers.add(cover);
    }
    boolean allowed = whole || (!request.topics().isEmpty() && uncovered.isEmpty() && topical);
    List<RuleResult> results = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      List<String> reasons = new ArrayList<>(misses.get(i));
      boolean matched = reasons.isEmpty() && (covers.get(i).isEmpty() || allowed);
      if (covers.get(i).isPresent() && !allowed) {
        reasons.add(
            "covers topic "
                + covers.get(i).get()
                + ", but no rule covers "
                + String.join(", ", uncovered));
      }
      results.add(new RuleResult(i, rules.get(i), matched, reasons));
    }
    return new L7Decision(allowed, results);
  }

  private static List<String> fieldMisses(PortRuleKafka rule, KafkaRequest request) {
    List<String> out = new ArrayList<>();
    String key = KafkaApiKeys.name(request.apiKey());
    if (rule.role() != null && !rule.role().isEmpty()) {
      Set<Integer> keys = KafkaApiKeys.role(rule.role()).orElse(Set.of());
      if (!keys.contains(request.apiKey())) {
        out.add("role " + rule.role() + " does not include the API key " + key);
      }
    } else if (rule.apiKey() != null && !rule.apiKey().isEmpty()) {
      Optional<Integer> want = KafkaApiKeys.parse(rule.apiKey());
      if (want.isEmpty() || want.get() != request.apiKey()) {
        out.add("apiKey " + rule.apiKey() + " is not " + key);
      }
    }
    if (rule.apiVersion() != null && !rule.apiVersion().isEmpty()) {
      if (request.apiVersion().isEmpty()) {
        out.add("apiVersion: the request's is not given, the rule asks for " + rule.apiVersion());
      } else if (!rule.apiVersion().equals(Integer.toString(request.apiVersion().get()))) {
        out.add("apiVersion " + request.apiVersion().get() + " is not " + rule.apiVersion());
      }
    }
    if (rule.clientID() != null && !rule.clientID().isEmpty()) {
      if (request.clientId().isEmpty()) {
        out.add("clientID: the request has none, the rule asks for \"" + rule.clientID() + "\"");
      } else if (!rule.clientID().equals(request.clientId().get())) {
        out.add("clientID \"" + request.clientId().get() + "\" is not \"" + rule.clientID() + "\"");
      }
    }
    return out;
  }
}
