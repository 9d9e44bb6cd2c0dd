package io.palisade.operator.nodestate;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operator's gRPC servers for the nodes (node state, and ADS for their proxies) are built one
 * way: TLS as {@link NodeStateSecurity} says, the peer's certificate name available to the service
 * ({@link PeerNode}), and keepalives the daemons' and proxies' defaults pass.
 */
public final class GrpcServers {

  private GrpcServers() {}

  /** A server for {@code service} on {@code address} (port 0: a free one), not yet started. */
  public static Server build(
      InetSocketAddress address, BindableService service, NodeStateSecurity security) {
    return build(address, List.of(service), security);
  }

  /** A server for several services on one port, each with its peer's certificate name. */
  public static Server build(
      InetSocketAddress address, List<BindableService> services, NodeStateSecurity security) {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(address).permitKeepAliveTime(10, TimeUnit.SECONDS);
    services.forEach(s -> b.addService(ServerInterceptors.intercept(s, new PeerNode())));
    security.tls().ifPresent(t -> b.sslContext(t.serverContext()));
    return b.build();
  }

  /** Stops taking calls, gives open ones five seconds, then cuts them. */
  public static void stop(Server server) {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
