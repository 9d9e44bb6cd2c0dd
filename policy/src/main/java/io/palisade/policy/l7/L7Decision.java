package io.palisade.policy.l7;

import java.util.List;

/** What a proxy does with one request under a list of rules: allowed when any rule admits it. */
public record L7Decision(boolean allowed, List<RuleResult> rules) {

  public L7Decision {
    rules = List.copyOf(rules);
  }

  /** The rules that admitted the request, in rule order. */
  public List<RuleResult> matched() {
    return rules.stream().filter(RuleResult::matched).toList();
  }
}
