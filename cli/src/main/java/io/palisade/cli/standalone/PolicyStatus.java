package io.palisade.cli.standalone;

import java.util.List;

/**
 * What standalone mode reports for one policy object: whether the last revision's copy is valid,
 * with every error, and whether the copy in force is the current one or a last good one kept
 * because the current one is not.
 */
public record PolicyStatus(
    String kind,
    String namespace,
    String name,
    boolean valid,
    List<String> errors,
    boolean inForce,
    String revision) {

  public PolicyStatus {
    errors = List.copyOf(errors);
  }

  /** {@code kind namespace/name}, the key under which a policy keeps its last good copy. */
  public String key() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
