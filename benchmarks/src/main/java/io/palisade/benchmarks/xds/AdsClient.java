package io.palisade.benchmarks.xds;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A minimal ADS client that behaves as Envoy does on one stream of its own channel (so its own TCP
 * connection), on an event loop shared with the other clients: it asks for clusters and listeners,
 * then for the routes the listeners name, and acknowledges every response with its version and
 * nonce.
 */
final class AdsClient implements StreamObserver<DiscoveryResponse>, AutoCloseable {

  private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;

  private final String node;
  private final ManagedChannel channel;
  private final StreamObserver<DiscoveryRequest> stream;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong responses = new AtomicLong();
  private List<String> routeNames = List.of();
  private boolean routesAsked;

  /**
   * @param loop the event loop all clients share (as 1,000 Envoys would not each have a thread,
   *     neither do these); the client's callbacks run on it
   */
  AdsClient(String node, int port, EventLoopGroup loop) {
    this.node = node;
    this.channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port)
            .eventLoopGroup(loop)
            .channelType(NioSocketChannel.class)
            .directExecutor()
            .usePlaintext()
            .build();
    this.stream = AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(this);
    send(CDS, List.of(), "", "");
    send(LDS, List.of(), "", "");
  }

  private synchronized void send(String type, List<String> names, String version, String nonce) {
    stream.onNext(
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId(node))
            .setTypeUrl(type)
            .addAllResourceNames(names)
            .setVersionInfo(version)
            .setResponseNonce(nonce)
            .build());
  }

  @Override
  public synchronized void onNext(DiscoveryResponse r) {
    responses.incrementAndGet();
    String type = r.getTypeUrl();
    List<String> names = type.equals(RDS) ? routeNames : List.of();
    send(type, names, r.getVersionInfo(), r.getNonce());
    if (type.equals(LDS)) {
      List<String> routes = routes(r);
      if (!routesAsked || !routes.equals(routeNames)) {
        routeNames = routes;
        routesAsked = true;
        send(RDS, routeNames, "", "");
      }
    }
  }

  private static List<String> routes(DiscoveryResponse lds) {
    List<String> out = new ArrayList<>();
    try {
      for (var any : lds.getResourcesList()) {
        for (var chain : any.unpack(Listener.class).getFilterChainsList()) {
          out.add(
              chain
                  .getFilters(0)
                  .getTypedConfig()
                  .unpack(HttpConnectionManager.class)
                  .getRds()
                  .getRouteConfigName());
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("a listener that does not parse", e);
    }
    return out;
  }

  @Override
  public void onError(Throwable t) {
    failure.set(t);
  }

  @Override
  public void onCompleted() {}

  /** Why the stream ended, if it did. */
  Throwable failure() {
    return failure.get();
  }

  long responses() {
    return responses.get();
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
