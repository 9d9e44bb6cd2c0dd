package io.palisade.policy.identity;

import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A deterministic allocator held in memory. A cluster identity's number is derived from a hash of
 * its labels, probing upward on collision, so the same labels get the same number in every process
 * whatever the order they are seen in (barring collisions, resolved in allocation order). CIDR
 * identities are numbered in allocation order within the local scope.
 */
public final class InMemoryIdentityAllocator implements IdentityAllocator {

  private static final long RANGE =
      Identity.MAX_CLUSTER_IDENTITY - Identity.MIN_CLUSTER_IDENTITY + 1;

  private final Map<Long, Identity> byId = new HashMap<>();
  private final Map<Labels, Identity> byLabels = new HashMap<>();
  private long nextLocal = 1;

  public InMemoryIdentityAllocator() {
    for (ReservedIdentity r : ReservedIdentity.values()) {
      Identity id = r.identity();
      byId.put(id.id(), id);
      byLabels.put(id.labels(), id);
    }
  }

  @Override
  public synchronized Identity allocate(Labels securityLabels) {
    Identity existing = byLabels.get(securityLabels);
    if (existing != null) {
      return existing;
    }
    if (byId.size() >= RANGE) {
      throw new IllegalStateException("cluster identity space exhausted");
    }
    long slot = Math.floorMod(hash(securityLabels.canonical()), RANGE);
    long id = Identity.MIN_CLUSTER_IDENTITY + slot;
    while (byId.containsKey(id)) {
      id = id == Identity.MAX_CLUSTER_IDENTITY ? Identity.MIN_CLUSTER_IDENTITY : id + 1;
    }
    return register(new Identity(id, securityLabels));
  }

  @Override
  public synchronized Identity allocateCidr(CidrPrefix prefix) {
    if (prefix.length() == 0) {
      return ReservedIdentity.world(prefix.isIpv4()).identity();
    }
    return allocateLocal(
        Labels.of(
            new Label(Label.CIDR, prefix.labelKey(), ""),
            Label.reserved(ReservedIdentity.world(prefix.isIpv4()).labelName())));
  }

  @Override
  public synchronized Identity allocateLocal(Labels labels) {
    Identity existing = byLabels.get(labels);
    if (existing != null) {
      return existing;
    }
    if (nextLocal >= Identity.LOCAL_SCOPE) {
      throw new IllegalStateException("local identity space exhausted");
    }
    return register(new Identity(Identity.LOCAL_SCOPE | nextLocal++, labels));
  }

  private Identity register(Identity identity) {
    byId.put(identity.id(), identity);
    byLabels.put(identity.labels(), identity);
    return identity;
  }

  @Override
  public synchronized Optional<Identity> lookup(long id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public synchronized Optional<Identity> lookup(Labels labels) {
    return Optional.ofNullable(byLabels.get(labels));
  }

  @Override
  public synchronized void release(long id) {
    Identity identity = byId.get(id);
    if (identity != null && !identity.isReserved()) {
      byId.remove(id);
      byLabels.remove(identity.labels());
    }
  }

  private static long hash(String canonical) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
