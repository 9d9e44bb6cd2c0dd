package io.palisade.cli.standalone;

import java.util.List;
import java.util.Optional;

/**
 * What standalone mode reports for one policy object: whether the last revision's copy is valid,
 * with every error; whether a copy is in force (the current one, or a last good one kept because
 * the current one is not); how far it is enforced; whether it has L7 rules that no proxy holds yet,
 * so their traffic is dropped ({@code l7}); and, when it is gone from the source but that removal
 * was refused (beyond the removal budget), why it stays.
 */
public record PolicyStatus(
    String kind,
    String namespace,
    String name,
    boolean valid,
    List<String> errors,
    boolean inForce,
    String revision,
    Optional<String> enforcement,
    boolean l7,
    Optional<String> removalRefused) {

  public PolicyStatus {
    errors = List.copyOf(errors);
  }

  /** {@code kind namespace/name}, the key under which a policy keeps its last good copy. */
  public String key() {
    return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
  }
}
