package io.palisade.operator.nodestate;

import io.grpc.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The gRPC server the node daemons connect to: gRPC over Netty, one port, mutual TLS unless its
 * {@link NodeStateSecurity} explicitly allows less.
 */
public final class NodeStateServer implements AutoCloseable {

  private final Server server;
  private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
  private final NodeStateService service;

  private NodeStateServer(
      InetSocketAddress address, NodeStateStore store, NodeStateSecurity security) {
    this.service = new NodeStateService(store, senders, security.pinsNodes());
    this.server = GrpcServers.build(address, service, security);
  }

  /**
   * Starts serving {@code store} on {@code address} (port 0: a free port) as {@code security} says.
   */
  public static NodeStateServer start(
      InetSocketAddress address, NodeStateStore store, NodeStateSecurity security)
      throws IOException {
    NodeStateServer s = new NodeStateServer(address, store, security);
    s.server.start();
    return s;
  }

  public int port() {
    return server.getPort();
  }

  public NodeStateService service() {
    return service;
  }

  @Override
  public void close() {
    GrpcServers.stop(server);
    senders.shutdownNow();
  }
}
