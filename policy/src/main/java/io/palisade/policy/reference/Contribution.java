package io.palisade.policy.reference;

import io.palisade.policy.mapstate.Verdict;
import io.palisade.policy.rules.RuleSection;

/** A rule section that matched a flow, and what it says about it. */
public record Contribution(RuleSection section, Verdict verdict) {}
