package io.palisade.operator.xds;

import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.xds.Proxyless;
import io.palisade.xds.XdsPublisher;
import java.util.Collection;
import java.util.Optional;

/**
 * The node-state store with the nodes' L7 configs beside it: each revision the store takes is also
 * translated for the nodes' proxies and the proxyless gRPC pods' servers, under the same revision
 * number, so that a proxy's ack and a daemon's ack speak of the same desired state. The daemons get
 * the datapath's view ({@link Proxyless#datapathView}): no redirect in front of a pod that enforces
 * its own gRPC rules. Everything else is the store's.
 */
public final class L7Applier implements NodeStateApplier {

  private final NodeStateApplier store;
  private final XdsPublisher xds;

  public L7Applier(NodeStateApplier store, XdsPublisher xds) {
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

  public XdsPublisher xds() {
    return xds;
  }
}
