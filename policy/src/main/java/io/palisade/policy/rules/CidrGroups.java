package io.palisade.policy.rules;

import io.palisade.crds.api.LabelSelector;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import io.palisade.policy.selector.LabelSelectorMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CiliumCIDRGroups known to a policy set, for {@code cidrGroupRef} and {@code
 * cidrGroupSelector}.
 */
public final class CidrGroups {

  private record Group(Labels labels, List<CidrPrefix> cidrs) {}

  private final Map<String, Group> groups = new TreeMap<>();

  public static CidrGroups none() {
    return new CidrGroups();
  }

  public void put(String name, Map<String, String> labels, List<CidrPrefix> cidrs) {
    List<Label> l = new ArrayList<>();
    if (labels != null) {
      labels.forEach((k, v) -> l.add(Label.k8s(k, v)));
    }
    groups.put(name, new Group(Labels.of(l), List.copyOf(cidrs)));
  }

  /** The CIDRs of a group by name; an unknown group has none, as in Cilium. */
  public List<CidrPrefix> byName(String name) {
    Group g = groups.get(name);
    return g == null ? List.of() : g.cidrs();
  }

  /** The CIDRs of every group whose labels match. */
  public List<CidrPrefix> bySelector(LabelSelector selector) {
    LabelSelectorMatcher matcher = LabelSelectorMatcher.compile(selector);
    List<CidrPrefix> out = new ArrayList<>();
    for (Group g : groups.values()) {
      if (matcher.matches(g.labels())) {
        out.addAll(g.cidrs());
      }
    }
    return out;
  }
}
