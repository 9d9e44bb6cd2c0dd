package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.model.DesiredState;
import io.palisade.pipeline.model.LocalState;
import io.palisade.pipeline.model.NodeChanges;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real ADS stream on loopback, the client speaking as Envoy does: acks, a policy change that
 * touches routes only, an ack with a stale nonce that counts for nothing, and a nack after which
 * the last good config comes back once, under a new version, and nothing is resent.
 */
class AdsRoundTripTest {

  private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;
  private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;

  private final XdsPublisher publisher = new XdsPublisher(new Target.Envoy());
  private final BlockingQueue<DiscoveryResponse> received = new LinkedBlockingQueue<>();
  private Server server;
  private ManagedChannel channel;
  private StreamObserver<DiscoveryRequest> stream;

  @BeforeEach
  void start() throws Exception {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(publisher.discoveryServer().getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    stream =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse r) {
                    received.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
  }

  @AfterEach
  void stop() throws Exception {
    stream.onCompleted();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    publisher.close();
  }

  private void publish(long revision, String... policies) {
    DesiredState s = L7Samples.state(policies);
    publisher.publish(revision, NodeChanges.of(s));
  }

  private void request(String type, List<String> names, String version, String nonce) {
    stream.onNext(
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId("node-a"))
            .setTypeUrl(type)
            .addAllResourceNames(names)
            .setVersionInfo(version)
            .setResponseNonce(nonce)
            .build());
  }

  private void ack(DiscoveryResponse r, List<String> names) {
    request(r.getTypeUrl(), names, r.getVersionInfo(), r.getNonce());
  }

  private DiscoveryResponse next(String type) throws InterruptedException {
    DiscoveryResponse r = received.poll(10, TimeUnit.SECONDS);
    assertThat(r).as("a " + type + " response").isNotNull();
    assertThat(r.getTypeUrl()).isEqualTo(type);
    return r;
  }

  @Test
  void acksCountForTheirVersionAndNonceAndANackRestoresTheLastGoodConfigOnce() throws Exception {
    publish(1, L7Policies.DEATHSTAR_L7);
    request(CDS, List.of(), "", "");
    DiscoveryResponse cds = next(CDS);
    ack(cds, List.of());
    request(LDS, List.of(), "", "");
    DiscoveryResponse lds = next(LDS);
    List<String> routes = routeNames(lds);
    assertThat(routes).containsExactly("palisade/http/ingress/default/deathstar");
    ack(lds, List.of());
    request(RDS, routes, "", "");
    DiscoveryResponse rds1 = next(RDS);
    assertThat(publisher.ackedRevision("node-a")).isEqualTo(-1);
    ack(rds1, routes);
    awaitAcked(1);

    // A policy change touches the routes alone: no listener or cluster is sent again.
    publish(2, L7Policies.DEATHSTAR_L7.replace("/v1/request-landing", "/v1/request-landing/.*"));
    DiscoveryResponse rds2 = next(RDS);
    assertThat(rds2.getVersionInfo()).isEqualTo("2");
    assertThat(regexes(rds2)).contains("/v1/request-landing/.*");
    // The version of the new response, with the nonce of the old one: not an ack of anything.
    request(RDS, routes, rds2.getVersionInfo(), rds1.getNonce());
    Thread.sleep(300);
    assertThat(publisher.ackedRevision("node-a")).isEqualTo(1);
    ack(rds2, routes);
    awaitAcked(2);
    assertThat(received).isEmpty();

    // The proxy refuses revision 3: it gets revision 2's routes back under a new version.
    publish(3, L7Policies.DEATHSTAR_L7.replace("/v1/request-landing", "/v1/refused"));
    DiscoveryResponse rds3 = next(RDS);
    assertThat(regexes(rds3)).contains("/v1/refused");
    stream.onNext(
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId("node-a"))
            .setTypeUrl(RDS)
            .addAllResourceNames(routes)
            .setVersionInfo(rds2.getVersionInfo())
            .setResponseNonce(rds3.getNonce())
            .setErrorDetail(Status.newBuilder().setCode(3).setMessage("regex program too large"))
            .build());
    DiscoveryResponse restored = next(RDS);
    assertThat(restored.getVersionInfo()).isEqualTo("2+restore1");
    assertThat(restored.getResourcesList()).isEqualTo(rds2.getResourcesList());
    assertThat(publisher.failure("node-a"))
        .hasValue("the proxy refused the L7 config: regex program too large");
    ack(restored, routes);
    Thread.sleep(500);
    assertThat(received).as("nothing is resent after the restore").isEmpty();
    assertThat(publisher.ackedRevision("node-a")).isEqualTo(2);
    assertThat(publisher.enforcedCount(List.of("node-a"), 3)).isZero();

    // The same refused routes again (another change elsewhere) are not sent: the failure stays.
    publish(4, L7Policies.DEATHSTAR_L7.replace("/v1/request-landing", "/v1/refused"));
    Thread.sleep(300);
    assertThat(received).isEmpty();
    assertThat(publisher.failure("node-a")).isPresent();

    // A fixed policy is sent, acked, and clears the failure.
    publish(5, L7Policies.DEATHSTAR_L7);
    DiscoveryResponse rds5 = next(RDS);
    ack(rds5, routes);
    awaitAcked(5);
    assertThat(publisher.failure("node-a")).isEmpty();
    assertThat(publisher.enforcedCount(List.of("node-a", "node-b"), 5)).isEqualTo(1);

    // A revision that changes another node only leaves nothing for node-a to ack: it holds it.
    publisher.publish(
        6, new NodeChanges(false, Map.of(), Set.of(), Map.of("node-b", LocalState.EMPTY)));
    assertThat(publisher.holds("node-a", 6)).isTrue();
    assertThat(publisher.enforcedCount(List.of("node-a"), 6)).isEqualTo(1);
    assertThat(publisher.holds("node-c", 6)).as("a node with no config").isFalse();
  }

  @Test
  void resentRoutesCarryTheSameContentUnderTheNewRevisionAndCountOnlyOnceAcknowledged()
      throws Exception {
    publish(1, L7Policies.DEATHSTAR_L7);
    request(CDS, List.of(), "", "");
    ack(next(CDS), List.of());
    request(LDS, List.of(), "", "");
    DiscoveryResponse lds = next(LDS);
    List<String> routes = routeNames(lds);
    ack(lds, List.of());
    request(RDS, routes, "", "");
    DiscoveryResponse rds1 = next(RDS);
    ack(rds1, routes);
    awaitAcked(1);

    assertThat(publisher.resendRoutes(2, List.of("node-a", "node-b")))
        .as("node-b has no config to send again")
        .containsExactly("node-a");
    DiscoveryResponse rds2 = next(RDS);
    assertThat(rds2.getVersionInfo()).isEqualTo("2");
    assertThat(rds2.getResourcesList()).isEqualTo(rds1.getResourcesList());
    Thread.sleep(300);
    assertThat(received).as("listeners and clusters are not sent again").isEmpty();
    assertThat(publisher.holds("node-a", 2)).isFalse();
    ack(rds2, routes);
    awaitAcked(2);
    assertThatThrownBy(() -> publisher.resendRoutes(2, List.of("node-a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("revision: 2 is not after the last published 2");
  }

  private void awaitAcked(long revision) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (publisher.ackedRevision("node-a") != revision && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(publisher.ackedRevision("node-a")).isEqualTo(revision);
  }

  private static List<String> routeNames(DiscoveryResponse lds) throws Exception {
    List<String> out = new ArrayList<>();
    for (var any : lds.getResourcesList()) {
      Listener l = any.unpack(Listener.class);
      for (var chain : l.getFilterChainsList()) {
        out.add(
            chain
                .getFilters(0)
                .getTypedConfig()
                .unpack(HttpConnectionManager.class)
                .getRds()
                .getRouteConfigName());
      }
    }
    return out;
  }

  private static String regexes(DiscoveryResponse rds) throws Exception {
    StringBuilder out = new StringBuilder();
    for (var any : rds.getResourcesList()) {
      out.append(any.unpack(RouteConfiguration.class));
    }
    return out.toString();
  }
}
