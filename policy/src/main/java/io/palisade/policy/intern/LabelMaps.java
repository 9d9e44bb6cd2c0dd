package io.palisade.policy.intern;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import java.util.HashMap;
import java.util.Map;

/**
 * Kubernetes label maps, one immutable instance per distinct map and one string per distinct key or
 * value. Every replica of a deployment carries the same labels, and every object read from the API
 * carries its own copies of the same few keys: at Cilium's 1,000-node scale (30,000 pods of 6,000
 * deployments) these copies were the largest part of the operator's inventory.
 */
public final class LabelMaps {

  private static final Interner<Map<String, String>> MAPS = Interners.newWeakInterner();

  private LabelMaps() {}

  /** The shared immutable copy of {@code labels}. */
  public static Map<String, String> shared(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return Map.of();
    }
    Map<String, String> copy = HashMap.newHashMap(labels.size());
    labels.forEach((k, v) -> copy.put(k.intern(), v.intern()));
    return MAPS.intern(Map.copyOf(copy));
  }
}
