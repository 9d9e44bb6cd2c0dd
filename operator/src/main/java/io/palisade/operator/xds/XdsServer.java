package io.palisade.operator.xds;

import io.grpc.Server;
import io.palisade.operator.nodestate.GrpcServers;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.PeerNode;
import io.palisade.xds.XdsPublisher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The ADS endpoint the nodes' proxies connect to (node id = node name), with the node-state
 * server's TLS: with a client CA, a proxy must show a certificate it signed and may ask only for
 * the config of the node its certificate names.
 */
public final class XdsServer implements AutoCloseable {

  private final Server server;

  private XdsServer(InetSocketAddress address, XdsPublisher publisher, NodeStateSecurity security) {
    this.server =
        GrpcServers.build(
            address, publisher.discoveryServer().getAggregatedDiscoveryServiceImpl(), security);
  }

  /**
   * Starts serving {@code publisher}'s configs on {@code address} (port 0: a free port) as {@code
   * security} says: mutual TLS unless it was told to allow less.
   */
  public static XdsServer start(
      InetSocketAddress address, XdsPublisher publisher, NodeStateSecurity security)
      throws IOException {
    XdsServer s = new XdsServer(address, publisher, security);
    s.server.start();
    return s;
  }

  /**
   * For a stream's node id, the node its peer may speak for: the CN of its verified client
   * certificate. With a client CA every peer has one, so each proxy gets only its node's config.
   */
  public static Optional<String> peerNode(String nodeId) {
    return PeerNode.current();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    GrpcServers.stop(server);
  }
}
