package io.palisade.cli.standalone;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.palisade.policy.rules.PolicySet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies in force and what each snapshot did to them. A valid object replaces its previous
 * copy; an invalid one never removes or loosens what is in force: its last good copy stays. An
 * object gone from the source is removed, unless a file of the snapshot could not be read, since
 * its objects might be the ones that seem gone.
 */
public final class PolicyState {

  private Map<String, HasMetadata> inForce = new LinkedHashMap<>();
  private List<PolicyStatus> statuses = List.of();
  private List<String> fileErrors = List.of();
  private String revision = "";
  private long generation;

  /** Takes a snapshot in; returns the new generation of the policies in force. */
  public synchronized long accept(Snapshot s) {
    Map<String, HasMetadata> next = new LinkedHashMap<>(s.validObjects());
    List<PolicyStatus> out = new ArrayList<>();
    for (Map.Entry<String, HasMetadata> e : s.validObjects().entrySet()) {
      out.add(status(e.getKey(), true, List.of(), true, s.revision()));
    }
    for (Map.Entry<String, List<String>> e : s.invalidObjects().entrySet()) {
      HasMetadata lastGood = inForce.get(e.getKey());
      if (lastGood != null) {
        next.put(e.getKey(), lastGood);
      }
      out.add(status(e.getKey(), false, e.getValue(), lastGood != null, s.revision()));
    }
    if (!s.fileErrors().isEmpty()) {
      inForce.forEach(next::putIfAbsent);
    }
    inForce = next;
    statuses = List.copyOf(out);
    fileErrors = s.fileErrors();
    revision = s.revision();
    return ++generation;
  }

  private static PolicyStatus status(
      String key, boolean valid, List<String> errors, boolean inForce, String revision) {
    String kind = key.substring(0, key.indexOf(' '));
    String rest = key.substring(key.indexOf(' ') + 1);
    int slash = rest.indexOf('/');
    String ns = slash < 0 ? "" : rest.substring(0, slash);
    return new PolicyStatus(kind, ns, rest.substring(slash + 1), valid, errors, inForce, revision);
  }

  /** A policy set of what is in force now. */
  public synchronized PolicySet policySet() {
    PolicySet set = new PolicySet();
    inForce.values().forEach(set::add);
    return set;
  }

  public synchronized List<PolicyStatus> statuses() {
    return statuses;
  }

  public synchronized List<String> fileErrors() {
    return fileErrors;
  }

  public synchronized String revision() {
    return revision;
  }

  public synchronized long generation() {
    return generation;
  }
}
