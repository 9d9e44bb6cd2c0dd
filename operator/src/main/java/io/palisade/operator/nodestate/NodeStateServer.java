package io.palisade.operator.nodestate;

import io.grpc.BindableService;
import io.grpc.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
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
      InetSocketAddress address,
      NodeStateStore store,
      NodeStateSecurity security,
      List<BindableService> besides) {
    this.service = new NodeStateService(store, senders, security.pinsNodes());
    List<BindableService> services = new ArrayList<>(besides);
    services.addFirst(service);
    this.server = GrpcServers.build(address, services, security);
  }

  /**
   * Starts serving {@code store} on {@code address} (port 0: a free port) as {@code security} says.
   */
  public static NodeStateServer start(
      InetSocketAddress address, NodeStateStore store, NodeStateSecurity security)
      throws IOException {
    return start(address, store, security, List.of());
  }

  /**
   * The same, with {@code besides} served on the same port and TLS (the daemons' flows, {@code
   * flows.FlowsService}).
   */
  public static NodeStateServer start(
      InetSocketAddress address,
      NodeStateStore store,
      NodeStateSecurity security,
      List<BindableService> besides)
      throws IOException {
    NodeStateServer s = new NodeStateServer(address, store, security, besides);
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
