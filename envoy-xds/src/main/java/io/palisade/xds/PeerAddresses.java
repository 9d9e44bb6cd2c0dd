package io.palisade.xds;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.ParsedIpcache;
import io.palisade.policy.identity.ReservedIdentity;
import io.palisade.policy.mapstate.MapStateKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The addresses of peer identities as the datapath sees them: an address belongs to the identity of
 * the longest ipcache prefix holding it, and to world when none does. So a CIDR identity's prefix
 * stands for its addresses minus the longer prefixes inside it that other identities hold, and a
 * peer set never admits an address the datapath would give another identity.
 */
final class PeerAddresses {

  /** A set of addresses, as RBAC principals (ingress) or permissions (egress) express it. */
  sealed interface AddressSet {
    record Any() implements AddressSet {}

    record Prefix(CidrPrefix prefix) implements AddressSet {}

    /** {@code within} minus every address of {@code except}. */
    record Minus(CidrPrefix within, List<CidrPrefix> except) implements AddressSet {}

    record Union(List<AddressSet> parts) implements AddressSet {}
  }

  private final Map<String, Long> source;

  /**
   * {@code source} by prefix, when a peer set is first asked for: a node whose rules hold no HTTP
   * or gRPC redirect never asks, and a node's peers hand over their parsed form ({@link
   * ParsedIpcache}) instead of 30,000 texts to parse on every revision.
   */
  private volatile Map<CidrPrefix, Long> ipcache;

  /**
   * Each peer set's addresses, worked out once: every node's rules name the same few peer sets, and
   * each lookup walks the whole ipcache.
   */
  private final Map<Set<Long>, Optional<AddressSet>> resolved = new ConcurrentHashMap<>();

  PeerAddresses(Map<String, Long> ipcache) {
    this.source = ipcache;
  }

  private Map<CidrPrefix, Long> ipcache() {
    Map<CidrPrefix, Long> parsed = ipcache;
    if (parsed == null) {
      synchronized (this) {
        parsed = ipcache;
        if (parsed == null) {
          parsed = ParsedIpcache.of(source);
          ipcache = parsed;
        }
      }
    }
    return parsed;
  }

  /**
   * The addresses of {@code identities}; empty when they have none (reserved identities whose
   * addresses Palisade does not know), which admits no one.
   */
  Optional<AddressSet> of(Set<Long> identities) {
    Optional<AddressSet> known = resolved.get(identities);
    if (known != null) {
      return known;
    }
    Optional<AddressSet> out = resolve(identities);
    resolved.put(Set.copyOf(identities), out);
    return out;
  }

  private Optional<AddressSet> resolve(Collection<Long> identities) {
    if (identities.contains(MapStateKey.ANY_IDENTITY)) {
      return Optional.of(new AddressSet.Any());
    }
    List<AddressSet> parts = new ArrayList<>();
    for (long id : identities.stream().sorted().toList()) {
      // In prefix order whatever the map's own order, so that every reader writes one config.
      List<CidrPrefix> owned = new ArrayList<>();
      ipcache()
          .forEach(
              (prefix, owner) -> {
                if (owner == id) {
                  owned.add(prefix);
                }
              });
      owned.sort(null);
      owned.forEach(prefix -> parts.add(minusOthers(prefix, id)));
      if (id == ReservedIdentity.WORLD.id() || id == ReservedIdentity.WORLD_IPV4.id()) {
        parts.add(minusOthers(CidrPrefix.read("0.0.0.0/0"), id));
      }
      if (id == ReservedIdentity.WORLD.id() || id == ReservedIdentity.WORLD_IPV6.id()) {
        parts.add(minusOthers(CidrPrefix.read("::/0"), id));
      }
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parts.size() == 1 ? parts.getFirst() : new AddressSet.Union(parts));
  }

  /**
   * {@code prefix} less the outermost longer prefixes inside it held by another identity; what
   * those hold again for {@code id} further in is admitted by its own entry.
   */
  private AddressSet minusOthers(CidrPrefix prefix, long id) {
    List<CidrPrefix> except = new ArrayList<>();
    for (Map.Entry<CidrPrefix, Long> e : ipcache().entrySet()) {
      CidrPrefix inner = e.getKey();
      if (inner.length() > prefix.length()
          && prefix.contains(inner)
          && e.getValue() != id
          && except.stream().noneMatch(outer -> outer.contains(inner))) {
        except.removeIf(inner::contains);
        except.add(inner);
      }
    }
    except.sort(null);
    return except.isEmpty() ? new AddressSet.Prefix(prefix) : new AddressSet.Minus(prefix, except);
  }
}
