package io.palisade.operator.identity;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.palisade.crds.cilium.CiliumIdentity;
import io.palisade.policy.identity.CidrPrefix;
import io.palisade.policy.identity.Identity;
import io.palisade.policy.identity.IdentityAllocator;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.labels.Label;
import io.palisade.policy.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ToLongFunction;

/**
 * Cluster identities kept as {@code CiliumIdentity} objects: the name is the number, {@code
 * security-labels} the label set, and a label holds a digest of the set so it can be found by
 * labels. The API server's create-if-absent makes a number hold one label set; a check after each
 * create makes a label set hold one number even when operators race, the newcomer yielding to any
 * other object of its labels. CIDR identities stay node-local and in memory.
 */
public final class CiliumIdentityAllocator implements IdentityAllocator {

  /** Digest of the security labels, so that a label selector finds a set's objects. */
  public static final String LABELS_DIGEST = "palisade.io/labels-sha256";

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  private static final long RANGE =
      Identity.MAX_CLUSTER_IDENTITY - Identity.MIN_CLUSTER_IDENTITY + 1;
  private static final int MAX_ATTEMPTS = 20;

  private final KubernetesClient client;
  private final ToLongFunction<Labels> startSlot;
  private final InMemoryIdentityAllocator local = new InMemoryIdentityAllocator();
  private final Map<Labels, Identity> byLabels = new ConcurrentHashMap<>();
  private final Map<Long, Identity> byId = new ConcurrentHashMap<>();

  public CiliumIdentityAllocator(KubernetesClient client) {
    this(client, l -> digestPrefix(l.canonical()));
  }

  /** {@code startSlot} gives where probing starts for a label set; tests force collisions. */
  CiliumIdentityAllocator(KubernetesClient client, ToLongFunction<Labels> startSlot) {
    this.client = client;
    this.startSlot = startSlot;
  }

  /** Reads every identity object, so that known label sets keep their numbers. */
  public void resync() {
    for (CiliumIdentity ci : client.resources(CiliumIdentity.class).list().getItems()) {
      toIdentity(ci).ifPresent(this::remember);
    }
  }

  @Override
  public Identity allocate(Labels securityLabels) {
    Identity known = byLabels.get(securityLabels);
    if (known != null) {
      return known;
    }
    Optional<Identity> reserved = local.lookup(securityLabels);
    if (reserved.isPresent() && reserved.get().isReserved()) {
      return reserved.get();
    }
    synchronized (this) {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        Optional<Identity> got = attempt(securityLabels);
        if (got.isPresent()) {
          remember(got.get());
          return got.get();
        }
        backOff(attempt);
      }
    }
    throw new IllegalStateException("could not allocate an identity for " + securityLabels);
  }

  /**
   * One try: an existing object of these labels wins; else the first free number along the probe
   * sequence is created, and kept only if no other object of the same labels appeared meanwhile.
   */
  private Optional<Identity> attempt(Labels labels) {
    List<Identity> existing = findByLabels(labels);
    if (!existing.isEmpty()) {
      return Optional.of(existing.getFirst());
    }
    long slot = Math.floorMod(startSlot.applyAsLong(labels), RANGE);
    for (long i = 0; i < RANGE; i++) {
      long id = Identity.MIN_CLUSTER_IDENTITY + Math.floorMod(slot + i, RANGE);
      if (byId.containsKey(id) && !byId.get(id).labels().equals(labels)) {
        continue;
      }
      Optional<Identity> holder = createOrRead(id, labels);
      if (holder.isEmpty()) {
        continue; // Gone between our create and our read: look further, the next try re-reads.
      }
      if (!holder.get().labels().equals(labels)) {
        remember(holder.get());
        continue;
      }
      return confirm(holder.get());
    }
    throw new IllegalStateException("cluster identity space exhausted");
  }

  /** Keeps a new object only if it is the one object of its labels; else deletes it. */
  private Optional<Identity> confirm(Identity mine) {
    List<Identity> all = findByLabels(mine.labels());
    if (all.size() <= 1) {
      return Optional.of(mine);
    }
    client.resources(CiliumIdentity.class).withName(Long.toString(mine.id())).delete();
    byId.remove(mine.id());
    return Optional.empty();
  }

  /** Creates identity {@code id} for {@code labels}, or reads who holds the number. */
  private Optional<Identity> createOrRead(long id, Labels labels) {
    CiliumIdentity ci = toObject(id, labels);
    try {
      client.resources(CiliumIdentity.class).resource(ci).create();
      return Optional.of(new Identity(id, labels));
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
    CiliumIdentity current =
        client.resources(CiliumIdentity.class).withName(Long.toString(id)).get();
    return current == null ? Optional.empty() : toIdentity(current);
  }

  private List<Identity> findByLabels(Labels labels) {
    List<Identity> out = new ArrayList<>();
    for (CiliumIdentity ci :
        client
            .resources(CiliumIdentity.class)
            .withLabel(LABELS_DIGEST, digest(labels))
            .list()
            .getItems()) {
      toIdentity(ci).filter(i -> i.labels().equals(labels)).ifPresent(out::add);
    }
    out.sort(Comparator.comparingLong(Identity::id));
    return out;
  }

  private void remember(Identity identity) {
    byId.put(identity.id(), identity);
    byLabels.put(identity.labels(), identity);
  }

  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * (attempt + 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while allocating an identity", e);
    }
  }

  @Override
  public Identity allocateCidr(CidrPrefix prefix) {
    return local.allocateCidr(prefix);
  }

  @Override
  public Identity allocateLocal(Labels labels) {
    return local.allocateLocal(labels);
  }

  @Override
  public Optional<Identity> lookup(long id) {
    Identity i = byId.get(id);
    return i != null ? Optional.of(i) : local.lookup(id);
  }

  @Override
  public Optional<Identity> lookup(Labels labels) {
    Identity i = byLabels.get(labels);
    return i != null ? Optional.of(i) : local.lookup(labels);
  }

  /** The cluster identities this allocator knows of: its own and those read at resync. */
  public Set<Long> allocated() {
    return Set.copyOf(byId.keySet());
  }

  /** Deletes the identity object; for identities no endpoint has used for the grace period. */
  @Override
  public synchronized void release(long id) {
    if (id < Identity.MIN_CLUSTER_IDENTITY || (id & Identity.LOCAL_SCOPE) != 0) {
      local.release(id);
      return;
    }
    Identity gone = byId.remove(id);
    if (gone != null) {
      byLabels.remove(gone.labels(), gone);
    }
    client.resources(CiliumIdentity.class).withName(Long.toString(id)).delete();
  }

  /** The object for identity {@code id}: name the number, labels in {@code security-labels}. */
  public static CiliumIdentity toObject(long id, Labels labels) {
    CiliumIdentity ci = new CiliumIdentity();
    ci.setMetadata(
        new ObjectMetaBuilder()
            .withName(Long.toString(id))
            .addToLabels(LABELS_DIGEST, digest(labels))
            .addToLabels(MANAGED_BY, "palisade")
            .build());
    Map<String, String> security = new TreeMap<>();
    for (Label l : labels) {
      security.put(l.sourceKey(), l.value());
    }
    ci.setSecurityLabels(security);
    return ci;
  }

  /** The identity an object stands for; empty for objects that are not identities of ours. */
  public static Optional<Identity> toIdentity(CiliumIdentity ci) {
    long id;
    try {
      id = Long.parseLong(ci.getMetadata().getName());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (id < Identity.MIN_CLUSTER_IDENTITY || id > Identity.MAX_CLUSTER_IDENTITY) {
      return Optional.empty();
    }
    List<Label> labels = new ArrayList<>();
    Map<String, String> security =
        ci.getSecurityLabels() == null ? Map.of() : ci.getSecurityLabels();
    security.forEach(
        (sourceKey, value) -> {
          int colon = sourceKey.indexOf(':');
          labels.add(
              colon > 0
                  ? new Label(sourceKey.substring(0, colon), sourceKey.substring(colon + 1), value)
                  : new Label(Label.UNSPEC, sourceKey, value));
        });
    return Optional.of(new Identity(id, Labels.of(labels)));
  }

  /** The first 32 hex digits of the SHA-256 of the canonical labels: a label value's size. */
  public static String digest(Labels labels) {
    return HexFormat.of().formatHex(sha256(labels.canonical())).substring(0, 32);
  }

  private static long digestPrefix(String canonical) {
    byte[] d = sha256(canonical);
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xFF);
    }
    return h;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
