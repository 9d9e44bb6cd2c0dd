package io.palisade.policy.identity;

import java.util.HashMap;
import java.util.Map;

/**
 * An ipcache handed over as prefix text to identity that holds its parsed prefixes underneath (a
 * node's peers): a reader that needs prefixes takes them instead of parsing 30,000 texts again on
 * every revision.
 */
public interface ParsedIpcache {

  /** The same entries by parsed prefix; never changed. */
  Map<CidrPrefix, Long> parsed();

  /**
   * {@code ipcache} by parsed prefix: its own parsed form when it has one, else parsed here.
   *
   * @throws IllegalArgumentException on a text that is not an IP prefix
   */
  static Map<CidrPrefix, Long> of(Map<String, Long> ipcache) {
    if (ipcache instanceof ParsedIpcache p) {
      return p.parsed();
    }
    Map<CidrPrefix, Long> out = HashMap.newHashMap(ipcache.size());
    ipcache.forEach((text, id) -> out.put(CidrPrefix.read(text), id));
    return out;
  }
}
