package io.palisade.operator.source;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.crds.palisade.ReachabilityChange;
import io.palisade.gitops.RepositoryCache;
import io.palisade.gitops.Resolved;
import io.palisade.gitops.RevisionContent;
import io.palisade.gitops.RevisionReader;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.model.ClusterSnapshot;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.flow.ClusterPolicy;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.policy.reach.CellPort;
import io.palisade.policy.reach.CellPorts;
import io.palisade.policy.reach.ReachabilityDiff;
import io.palisade.policy.rules.PolicyRule;
import io.palisade.policy.rules.PolicySet;
import io.palisade.policy.rules.RuleOrigin;
import io.palisade.policy.validate.ValidatedDocument;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * Counts the cells (pod x pod x port, over the pods the operator's inventory holds) that a newly
 * applied revision widened and narrowed since the revision applied before it, on a thread of its
 * own so a sync never waits for it. The source's policies of both revisions are put beside every
 * other policy in force; cells are decided per pair of identity groups, at most {@code maxPairs}
 * pairs per count (over that, the counts so far are recorded as incomplete).
 */
public final class RevisionReachability implements AutoCloseable {

  /** Group pairs x ports decided per count at most: a few seconds of lookups. */
  public static final long DEFAULT_MAX_PAIRS = 1_000_000;

  private static final Logger LOG = Logger.getLogger(RevisionReachability.class);
  private static final Pattern SHA = Pattern.compile("sha1:([0-9a-f]{40})$");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final ClusterInventory inventory;
  private final RepositoryCache cache;
  private final long maxPairs;
  private final RevisionReader reader = new RevisionReader();
  private final Map<String, List<ReachabilityChange>> counted = new ConcurrentHashMap<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().daemon().name("policysource-reachability").unstarted(r));

  public RevisionReachability(ClusterInventory inventory, RepositoryCache cache, long maxPairs) {
    this.inventory = inventory;
    this.cache = cache;
    this.maxPairs = maxPairs;
  }

  /**
   * Counts {@code now} against {@code previousRevision} of the same URL and path, then calls {@code
   * done} (from the counting thread) once {@link #take} has the result.
   */
  public void count(
      SourceId id,
      String url,
      String path,
      String previousRevision,
      RevisionContent now,
      Consumer<SourceId> done) {
    thread.execute(
        () -> {
          ReachabilityChange change;
          try {
            change = compute(id, url, path, previousRevision, now);
          } catch (RuntimeException e) {
            LOG.warnf(e, "counting the reachability change of %s failed", id);
            change = message(now, previousRevision, "not counted: " + e.getMessage());
          }
          keep(id, change);
          done.accept(id);
        });
  }

  void keep(SourceId id, ReachabilityChange change) {
    counted.compute(
        id.toString(),
        (k, held) -> {
          List<ReachabilityChange> next = new ArrayList<>(held == null ? List.of() : held);
          // A later count of the same revision replaces the earlier, as in status: two kept
          // would take each other's place in it again and again.
          next.removeIf(c -> c.revision().equals(change.revision()));
          next.add(change);
          // So would more than the status keeps.
          return List.copyOf(
              next.subList(Math.max(0, next.size() - SourceStatusBuilder.HISTORY), next.size()));
        });
  }

  /**
   * The counts finished for the source that {@code status} does not hold yet, oldest first. A count
   * is forgotten only once a status read back holds it, so a status write that failed, and the
   * reconcile retried, loses none.
   */
  public List<ReachabilityChange> unrecorded(SourceId id, Optional<PolicySourceStatus> status) {
    List<ReachabilityChange> held = status.map(PolicySourceStatus::reachability).orElse(List.of());
    List<ReachabilityChange> left =
        counted.computeIfPresent(
            id.toString(),
            (k, pending) -> {
              List<ReachabilityChange> rest =
                  pending.stream().filter(c -> !held.contains(c)).toList();
              return rest.isEmpty() ? null : rest;
            });
    return left == null ? List.of() : left;
  }

  /** Drops the counts of a source that is gone. */
  public void forget(SourceId id) {
    counted.remove(id.toString());
  }

  ReachabilityChange compute(
      SourceId id, String url, String path, String previousRevision, RevisionContent now) {
    Optional<RevisionContent> before = read(url, path, previousRevision);
    if (before.isEmpty()) {
      return message(
          now, previousRevision, "not counted: revision " + previousRevision + " cannot be read");
    }
    ClusterSnapshot snapshot = inventory.snapshot().cluster();
    Cluster cluster =
        new Cluster(
            snapshot.namespaces(), snapshot.workloads().stream().map(Workload::pod).toList());
    List<PolicyRule> was = rules(before.get(), id);
    List<PolicyRule> next = rules(now, id);
    Set<String> ours = new HashSet<>();
    was.forEach(r -> ours.add(key(r.origin())));
    next.forEach(r -> ours.add(key(r.origin())));
    List<PolicyRule> others =
        snapshot.rules().stream().filter(r -> !ours.contains(key(r.origin()))).toList();
    List<PolicyRule> beforeRules = new ArrayList<>(others);
    beforeRules.addAll(was);
    List<PolicyRule> afterRules = new ArrayList<>(others);
    afterRules.addAll(next);
    List<CellPort> ports = CellPorts.of(cluster, List.of(beforeRules, afterRules));
    if (ports.isEmpty()) {
      return message(
          now, previousRevision, "not counted: neither the pods nor the policies name a port");
    }
    ReachabilityDiff.Counts counts =
        ReachabilityDiff.count(
            new ClusterPolicy(cluster, beforeRules, new InMemoryIdentityAllocator()),
            new ClusterPolicy(cluster, afterRules, new InMemoryIdentityAllocator()),
            ports,
            maxPairs);
    String over =
        counts.complete()
            ? null
            : "counted up to "
                + maxPairs
                + " pairs of identity groups over "
                + ports.size()
                + " ports: at least these cells changed";
    return new ReachabilityChange(
        now.revision(),
        previousRevision,
        counts.widened(),
        counts.narrowed(),
        counts.complete(),
        over);
  }

  /** The earlier revision's content, read from the URL's repository at its commit. */
  private Optional<RevisionContent> read(String url, String path, String revision) {
    Matcher m = SHA.matcher(revision);
    if (!m.find()) {
      return Optional.empty();
    }
    int at = revision.lastIndexOf("sha1:");
    String name = at > 1 ? revision.substring(0, at - 1) : m.group(1);
    try {
      Resolved resolved = new Resolved(name, ObjectId.fromString(m.group(1)), Optional.empty());
      return Optional.of(reader.read(cache.repository(url), resolved, path));
    } catch (Exception e) {
      LOG.debugf("cannot read %s of %s: %s", revision, url, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The revision's valid policies as the applier places them: a namespaced policy without a
   * namespace goes to the source's namespace.
   */
  private static List<PolicyRule> rules(RevisionContent content, SourceId owner) {
    PolicySet set = new PolicySet();
    for (ValidatedDocument d : content.valid()) {
      if (d.object().isEmpty()) {
        continue;
      }
      HasMetadata o = d.object().get();
      if (d.kind().namespaced() && (d.namespace() == null || d.namespace().isEmpty())) {
        o = SERIALIZATION.clone(o);
        o.getMetadata().setNamespace(owner.namespace());
      }
      set.add(o);
    }
    return set.rules();
  }

  private static String key(RuleOrigin o) {
    return o.kind() + "/" + o.namespace() + "/" + o.name();
  }

  private static ReachabilityChange message(RevisionContent now, String from, String message) {
    return new ReachabilityChange(now.revision(), from, null, null, null, message);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
