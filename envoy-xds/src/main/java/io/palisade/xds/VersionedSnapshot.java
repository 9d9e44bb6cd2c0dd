package io.palisade.xds;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Map;

/**
 * A node's config as java-control-plane serves it, each resource carrying its type's version.
 * {@code Snapshot.create} gives every resource a SHA-256 of its content as its version, which for
 * 1,000 nodes is most of a publish's time; a state-of-the-world stream never reads those versions
 * (a response carries its type's version), and {@link NodeConfigs} already versions each type by
 * revision, so the resources are versioned with it instead. A type whose list and version are those
 * of a snapshot made before (a routes-only change leaves clusters and listeners so) takes that
 * snapshot's resources as they are, rather than versioning and indexing them again for every node.
 */
final class VersionedSnapshot extends Snapshot {

  private final SnapshotResources<Cluster> clusters;
  private final SnapshotResources<Listener> listeners;
  private final SnapshotResources<RouteConfiguration> routes;

  private static final SnapshotResources<ClusterLoadAssignment> NO_ENDPOINTS =
      SnapshotResources.create(List.of(), "0");
  private static final SnapshotResources<Secret> NO_SECRETS =
      SnapshotResources.create(List.of(), "0");

  private VersionedSnapshot(
      SnapshotResources<Cluster> clusters,
      SnapshotResources<Listener> listeners,
      SnapshotResources<RouteConfiguration> routes) {
    this.clusters = clusters;
    this.listeners = listeners;
    this.routes = routes;
  }

  /** {@code resources} with each type's version from {@code versions} (by type URL). */
  static VersionedSnapshot of(NodeResources resources, Map<String, String> versions) {
    return new VersionedSnapshot(
        versioned(resources.clusters(), version(versions, NodeConfigs.TYPES.get(0))),
        versioned(resources.listeners(), version(versions, NodeConfigs.TYPES.get(1))),
        versioned(resources.routes(), version(versions, NodeConfigs.TYPES.get(2))));
  }

  private static String version(Map<String, String> versions, String type) {
    String v = versions.get(type);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("versions: no version for " + type);
    }
    return v;
  }

  /** A list's resources under one version, as last made. */
  private record Made(String version, SnapshotResources<?> resources) {}

  /** By the list's identity, weakly: an entry goes when no config holds its list any more. */
  private static final Cache<List<?>, Made> MADE = CacheBuilder.newBuilder().weakKeys().build();

  @SuppressWarnings("unchecked")
  private static <T extends Message> SnapshotResources<T> versioned(
      List<T> resources, String version) {
    Made made = MADE.getIfPresent(resources);
    if (made != null && made.version().equals(version)) {
      return (SnapshotResources<T>) made.resources();
    }
    SnapshotResources<T> out =
        SnapshotResources.create(
            resources.stream().map(r -> VersionedResource.create(r, version)).toList(), version);
    MADE.put(resources, new Made(version, out));
    return out;
  }

  @Override
  public SnapshotResources<Cluster> clusters() {
    return clusters;
  }

  @Override
  public SnapshotResources<ClusterLoadAssignment> endpoints() {
    return NO_ENDPOINTS;
  }

  @Override
  public SnapshotResources<Listener> listeners() {
    return listeners;
  }

  @Override
  public SnapshotResources<RouteConfiguration> routes() {
    return routes;
  }

  @Override
  public SnapshotResources<Secret> secrets() {
    return NO_SECRETS;
  }
}
