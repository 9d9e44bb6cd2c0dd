package io.palisade.operator.xds;

import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.policy.mapstate.L7Parser;
import io.palisade.xds.Proxyless;
import io.palisade.xds.XdsPublisher;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The node-state store with the nodes' L7 configs beside it: each revision the store takes is also
 * translated for the nodes' proxies and the proxyless gRPC pods' servers, under the same revision
 * number, so that a proxy's ack and a daemon's ack speak of the same desired state. The daemons get
 * the datapath's view ({@link Proxyless#datapathView}): no redirect in front of a pod that enforces
 * its own gRPC rules. Everything else is the store's.
 */
public final class L7Applier implements NodeStateApplier {

  private final NodeStateStore store;
  private final XdsPublisher xds;

  public L7Applier(NodeStateStore store, XdsPublisher xds) {
    this.store = store;
    this.xds = xds;
  }

  @Override
  public void addListener(Listener listener) {
    store.addListener(listener);
    xds.addListener(node -> listener.acked(node, xds.ackedRevision(node)));
  }

  @Override
  public long publish(NodeChanges changes) {
    long revision = store.publish(Proxyless.datapathView(changes));
    xds.publish(revision, changes);
    return revision;
  }

  @Override
  public long revision() {
    return store.revision();
  }

  @Override
  public int enforcedCount(Collection<String> nodes, long since) {
    return store.enforcedCount(nodes, since);
  }

  @Override
  public Optional<String> failure(String node, long since) {
    return store.failure(node, since);
  }

  /**
   * A node's L7 rules hold where its daemon runs the embedded proxy and holds the revision (the
   * daemon sets the proxy's config before its maps redirect), or where its Envoy acknowledged the
   * revision's config; nowhere else.
   */
  @Override
  public int l7EnforcedCount(Collection<String> nodes, long since) {
    int n = 0;
    for (String node : nodes) {
      boolean holds =
          switch (store.l7Proxy(node)) {
            case EMBEDDED -> store.enforcedCount(List.of(node), since) == 1;
            case ENVOY -> xds.holds(node, since);
            case NONE -> false;
          };
      if (holds) {
        n++;
      }
    }
    return n;
  }

  /**
   * Some node's embedded proxy may take each parser; which one does is {@link #l7Parsers(String)}.
   */
  @Override
  public Set<L7Parser> l7Parsers() {
    return EnumSet.allOf(L7Parser.class);
  }

  /**
   * What the proxy the node's daemon announced enforces: the embedded one HTTP, Kafka and DNS (the
   * stream carries their rules), an Envoy HTTP alone, none nothing.
   */
  @Override
  public Set<L7Parser> l7Parsers(String node) {
    return switch (store.l7Proxy(node)) {
      case EMBEDDED -> EnumSet.allOf(L7Parser.class);
      case ENVOY -> EnumSet.of(L7Parser.HTTP);
      case NONE -> EnumSet.noneOf(L7Parser.class);
    };
  }

  @Override
  public Optional<String> l7Failure(String node, long since) {
    return switch (store.l7Proxy(node)) {
      case EMBEDDED -> store.failure(node, since);
      case ENVOY -> xds.failure(node);
      case NONE -> NodeStateApplier.super.l7Failure(node, since);
    };
  }

  public XdsPublisher xds() {
    return xds;
  }
}
