package io.palisade.policy.l7;

import java.util.List;

/**
 * How one L7 rule fared against a request: its position in the rule list, the rule, whether it
 * admitted the request, and why (each field that did not match; for Kafka, the topics it covers).
 */
public record RuleResult(int index, Object rule, boolean matched, List<String> reasons) {

  public RuleResult {
    reasons = List.copyOf(reasons);
  }
}
