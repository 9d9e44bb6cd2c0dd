package io.palisade.operator.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.stub.StreamObserver;
import io.palisade.node.stream.TestCertificates;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeTls;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.model.NodeChanges;
import io.palisade.pipeline.model.NodeStateComputer;
import io.palisade.policy.identity.InMemoryIdentityAllocator;
import io.palisade.xds.Target;
import io.palisade.xds.XdsPublisher;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ADS endpoint over mutual TLS: a proxy gets its own node's L7 config and no other's. */
class XdsServerTlsTest {

  @TempDir static Path dir;
  static TestCertificates certs;

  private final XdsPublisher publisher = new XdsPublisher(new Target.Envoy(), XdsServer::peerNode);
  private XdsServer server;
  private ManagedChannel channel;

  @BeforeAll
  static void certificates() throws Exception {
    certs = new TestCertificates(dir).issue("operator").issue("node-a");
  }

  @BeforeEach
  void start() throws Exception {
    publisher.publish(
        1,
        NodeChanges.of(
            new NodeStateComputer(new InMemoryIdentityAllocator())
                .compute(StarWars.snapshot(StarWars.workloads(), L7Policies.DEATHSTAR_L7))));
    NodeTls tls =
        new NodeTls(
            certs.certificate("operator"),
            certs.key("operator"),
            Optional.of(certs.certificate("ca")));
    server =
        XdsServer.start(
            new InetSocketAddress("127.0.0.1", 0), publisher, NodeStateSecurity.mutualTls(tls));
    SslContextBuilder ssl =
        GrpcSslContexts.forClient()
            .trustManager(certs.certificate("ca").toFile())
            .keyManager(certs.certificate("node-a").toFile(), certs.key("node-a").toFile());
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).sslContext(ssl.build()).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
    publisher.close();
  }

  @Test
  void aProxyGetsTheListenersOfTheNodeItsCertificateNames() throws Exception {
    BlockingQueue<Object> got = subscribe("node-a");
    Object first = got.poll(10, TimeUnit.SECONDS);
    assertThat(first).isInstanceOf(DiscoveryResponse.class);
    Listener l = ((DiscoveryResponse) first).getResources(0).unpack(Listener.class);
    assertThat(l.getName()).isEqualTo("palisade/http/ingress");
  }

  @Test
  void aProxyMayNotAskForAnotherNodesConfig() throws Exception {
    BlockingQueue<Object> got = subscribe("node-b");
    Object first = got.poll(10, TimeUnit.SECONDS);
    assertThat(first).isInstanceOf(Throwable.class);
    Status s = Status.fromThrowable((Throwable) first);
    assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(s.getDescription()).isEqualTo("this certificate is for node node-a, not node-b");
  }

  private BlockingQueue<Object> subscribe(String node) {
    BlockingQueue<Object> got = new LinkedBlockingQueue<>();
    StreamObserver<DiscoveryRequest> stream =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse r) {
                    got.add(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    got.add(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    stream.onNext(
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId(node))
            .setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
            .build());
    return got;
  }
}
