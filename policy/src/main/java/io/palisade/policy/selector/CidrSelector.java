package io.palisade.policy.selector;

import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.ReservedIdentity;
import java.util.List;
import java.util.Optional;

/**
 * Selects the CIDR identities inside {@code cidr} and outside every {@code except}. Every prefix a
 * policy names has its own identity and the ipcache gives an address its most specific one, so
 * testing an identity's prefix is the same as testing every address it stands for. A /0 also
 * selects the world identity of its family.
 */
public record CidrSelector(CidrPrefix cidr, List<CidrPrefix> except) implements IdentitySelector {

  public CidrSelector {
    except = List.copyOf(except);
  }

  @Override
  public boolean selects(Identity identity) {
    Optional<CidrPrefix> prefix = identity.cidr();
    if (prefix.isEmpty()) {
      return cidr.length() == 0 && identity.id() == ReservedIdentity.world(cidr.isIpv4()).id();
    }
    if (!cidr.contains(prefix.get())) {
      return false;
    }
    for (CidrPrefix e : except) {
      if (e.contains(prefix.get())) {
        return false;
      }
    }
    return true;
  }

  /** Whether the selector picks {@code address}, judged on the address itself. */
  public boolean selectsAddress(byte[] address) {
    if (!cidr.containsAddress(address)) {
      return false;
    }
    for (CidrPrefix e : except) {
      if (e.containsAddress(address)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return except.isEmpty() ? "cidr:" + cidr : "cidr:" + cidr + " except " + except;
  }
}
