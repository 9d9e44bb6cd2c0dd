package io.palisade.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configs one node's proxy was given, newest last, and what it acknowledged. Each type (CDS,
 * LDS, RDS) keeps its version while its content stays the same, so a policy change gives routes a
 * new version and leaves listeners alone. A node holds revision r when every type it subscribes to
 * has acknowledged the version that config r gave that type.
 *
 * <p>Not thread-safe: {@link XdsPublisher} guards it.
 */
final class NodeConfigs {

  /** How many configs are remembered to match late acknowledgements against. */
  static final int HISTORY = 32;

  static final List<String> TYPES =
      List.of(
          Resources.V3.CLUSTER_TYPE_URL,
          Resources.V3.LISTENER_TYPE_URL,
          Resources.V3.ROUTE_TYPE_URL);

  /** One config: the revision its content is of, each type's version, and the content. */
  record Config(long revision, Map<String, String> versions, NodeResources resources) {}

  /** A refusal (by Palisade or by the proxy) of the config of {@code revision}. */
  record Failure(long revision, String message) {}

  private final Deque<Config> history = new ArrayDeque<>();
  private final Map<String, String> acked = new LinkedHashMap<>();
  private final Map<String, List<? extends Message>> nacked = new LinkedHashMap<>();
  private Optional<Config> lastAcked = Optional.empty();
  private long ackedRevision = -1;
  private Optional<Failure> failure = Optional.empty();
  private int restores;
  private int reissues;

  /**
   * The newest content that passed the checks: every config in the history did (a refused one is
   * never recorded), restores included, as they repeat an acknowledged one.
   */
  NodeResources lastChecked() {
    return current().map(Config::resources).orElse(NodeResources.EMPTY);
  }

  /** The newest config; none before the first publish. */
  Optional<Config> current() {
    return Optional.ofNullable(history.peekLast());
  }

  /**
   * Records {@code resources} as revision {@code revision}'s config and returns it; types whose
   * content did not change keep their version.
   */
  Config next(long revision, NodeResources resources) {
    // The same revision again with other content (a proxyless server asked for another port):
    // a version of its own, so that an ack of the earlier content does not count for this one.
    boolean again = current().filter(c -> c.revision() == revision).isPresent();
    return push(revision, resources, again ? revision + "." + ++reissues : Long.toString(revision));
  }

  /**
   * A config with the last acknowledged content (nothing when the proxy never acknowledged any)
   * under new versions where it differs from the current one, so the proxy is sent it once rather
   * than being sent the refused one again.
   */
  Config restore() {
    NodeResources good = lastAcked.map(Config::resources).orElse(NodeResources.EMPTY);
    long revision = lastAcked.map(Config::revision).orElse(-1L);
    return push(revision, good, revision + "+restore" + ++restores);
  }

  private Config push(long revision, NodeResources resources, String newVersion) {
    Map<String, String> versions = new LinkedHashMap<>();
    Optional<Config> before = current();
    for (String type : TYPES) {
      boolean same =
          before.isPresent()
              && content(before.get().resources(), type).equals(content(resources, type));
      versions.put(type, same ? before.get().versions().get(type) : newVersion);
    }
    return record(new Config(revision, versions, resources));
  }

  private Config record(Config c) {
    history.addLast(c);
    while (history.size() > HISTORY) {
      history.removeFirst();
    }
    return c;
  }

  /**
   * The newest config again as {@code revision}'s, its routes under that revision's version and
   * nothing else changed; empty when there are no routes to send or a refusal stands (sending the
   * old config under a new revision would count it as that revision's).
   */
  Optional<Config> resendRoutes(long revision) {
    Optional<Config> cur = current();
    if (cur.isEmpty() || cur.get().resources().routes().isEmpty() || failure.isPresent()) {
      return Optional.empty();
    }
    if (revision <= cur.get().revision()) {
      throw new IllegalArgumentException(
          "revision: " + revision + " is not after the newest config's " + cur.get().revision());
    }
    Map<String, String> versions = new LinkedHashMap<>(cur.get().versions());
    versions.put(Resources.V3.ROUTE_TYPE_URL, Long.toString(revision));
    return Optional.of(record(new Config(revision, versions, cur.get().resources())));
  }

  static List<? extends Message> content(NodeResources r, String type) {
    return switch (type) {
      case Resources.V3.CLUSTER_TYPE_URL -> r.clusters();
      case Resources.V3.LISTENER_TYPE_URL -> r.listeners();
      case Resources.V3.ROUTE_TYPE_URL -> r.routes();
      default -> List.of();
    };
  }

  /**
   * The proxy acknowledged {@code version} of {@code type}; {@code subscribed} are the types its
   * stream asked for. Returns whether the revision it holds moved.
   */
  boolean ack(String type, String version, Set<String> subscribed) {
    acked.put(type, version);
    Iterator<Config> newest = history.descendingIterator();
    while (newest.hasNext()) {
      Config c = newest.next();
      // Every type the proxy asked for, and every type the config has content of (routes are
      // asked for only once the listener is in): a listener without its routes enforces nothing.
      boolean all =
          TYPES.stream()
              .filter(t -> subscribed.contains(t) || !content(c.resources(), t).isEmpty())
              .allMatch(t -> c.versions().get(t).equals(acked.get(t)));
      if (all && !subscribed.isEmpty()) {
        lastAcked = Optional.of(c);
        boolean moved = c.revision() != ackedRevision;
        ackedRevision = c.revision();
        if (failure.isPresent() && ackedRevision > failure.get().revision()) {
          failure = Optional.empty();
        }
        return moved;
      }
    }
    return false;
  }

  /**
   * The proxy refused {@code version} of {@code type} with {@code detail}: the failure is kept and
   * the refused content remembered, so the same content is not sent again. Returns the revision
   * whose config was refused, or empty when that version is no longer current (a late NACK of a
   * config already replaced needs no restore).
   */
  Optional<Long> nack(String type, String version, String detail) {
    Optional<Config> cur = current();
    if (cur.isEmpty() || !cur.get().versions().get(type).equals(version)) {
      return Optional.empty();
    }
    nacked.put(type, content(cur.get().resources(), type));
    failure = Optional.of(new Failure(cur.get().revision(), detail));
    return Optional.of(cur.get().revision());
  }

  /** Whether {@code resources} carries content the proxy already refused. */
  Optional<String> refusedBefore(NodeResources resources) {
    for (Map.Entry<String, List<? extends Message>> e : nacked.entrySet()) {
      if (content(resources, e.getKey()).equals(e.getValue())) {
        return failure.map(Failure::message);
      }
    }
    return Optional.empty();
  }

  /**
   * A revision asks for the content the newest config already has. When the proxy holds that config
   * acknowledged, a refusal of an earlier revision no longer stands; returns whether one was
   * lifted.
   */
  boolean settled() {
    if (failure.isPresent() && lastAcked.isPresent() && lastAcked.equals(current())) {
      failure = Optional.empty();
      return true;
    }
    return false;
  }

  void refuse(long revision, String message) {
    failure = Optional.of(new Failure(revision, message));
  }

  long ackedRevision() {
    return ackedRevision;
  }

  Optional<Failure> failure() {
    return failure;
  }
}
