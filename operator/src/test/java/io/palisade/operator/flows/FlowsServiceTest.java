package io.palisade.operator.flows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.palisade.node.stream.ClientTls;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.node.stream.TestCertificates;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowFilter;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.proto.flows.v1.FlowBatch;
import io.palisade.proto.flows.v1.FlowMessage;
import io.palisade.proto.flows.v1.FlowsGrpc;
import io.palisade.proto.flows.v1.ObserveRequest;
import io.palisade.proto.flows.v1.PushSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flows service on the node-state port over real mutual TLS: a node's pushed flows are named
 * from the pipeline and marked with its node, a node may push only its own, and only an {@code
 * observer:NAME} certificate reads them.
 */
class FlowsServiceTest {

  @TempDir static Path dir;
  static TestCertificates certs;

  @TempDir Path policies;

  private final FlowRing ring = new FlowRing(100);
  private final List<ManagedChannel> channels = new ArrayList<>();
  private RelayedFlows flows;
  private NodeStateServer server;

  @BeforeAll
  static void certificates() throws Exception {
    certs =
        new TestCertificates(dir)
            .issue("operator")
            .issue("node-a")
            .issue("observer", "CN=observer:alice")
            .issue("no-observer", "CN=observer:");
  }

  @BeforeEach
  void start() throws Exception {
    flows = new RelayedFlows(policies);
    server = flows.serve(certs, ring);
  }

  @AfterEach
  void stop() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  private ManagedChannel as(String certificate) {
    ManagedChannel c =
        NodeStateClient.channel(
            "127.0.0.1:" + server.port(),
            new ClientTls(
                certs.certificate(certificate), certs.key(certificate), certs.certificate("ca")));
    channels.add(c);
    return c;
  }

  /** Pushes one batch as {@code certificate}; the summary, or the status it was refused with. */
  private PushSummary push(String certificate, String node, Flow... batch) throws Exception {
    CompletableFuture<PushSummary> done = new CompletableFuture<>();
    StreamObserver<FlowBatch> up =
        FlowsGrpc.newStub(as(certificate))
            .push(
                new StreamObserver<>() {
                  @Override
                  public void onNext(PushSummary s) {
                    done.complete(s);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    FlowBatch.Builder b = FlowBatch.newBuilder().setNode(node);
    for (Flow f : batch) {
      b.addFlows(f.toJson());
    }
    up.onNext(b.build());
    up.onCompleted();
    try {
      return done.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private List<FlowMessage> observe(String certificate, Map<String, String> filters) {
    Iterator<FlowMessage> it =
        FlowsGrpc.newBlockingStub(as(certificate))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .observe(ObserveRequest.newBuilder().putAllFilters(filters).build());
    List<FlowMessage> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void aNodesAddressesOnlyFlowIsNamedFromThePipelineAndMarkedWithTheNode() throws Exception {
    PushSummary summary = push("node-a", "node-a", flows.deniedXwing());

    assertThat(summary.getAccepted()).isEqualTo(1);
    Flow kept = ring.recent(FlowFilter.ALL).getFirst();
    assertThat(kept.node()).contains("node-a");
    assertThat(kept.source().display()).isEqualTo("default/xwing");
    assertThat(kept.destination().display()).isEqualTo("default/deathstar");
    assertThat(kept.policy().orElseThrow().name()).isEqualTo("no-rebels");
    assertThat(kept.policy().orElseThrow().rule()).isEqualTo("spec.ingressDeny[0]");
    assertThat(kept.policy().orElseThrow().source()).isEqualTo(RelayedFlows.SOURCE);
  }

  @Test
  void aNodeMayNotPushAnotherNodesFlows() {
    assertThatThrownBy(() -> push("node-a", "node-b", flows.deniedXwing()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .contains(
                      "batch.node: \"node-b\" is not the node the certificate names (node-a)");
            });
    assertThat(ring.recent(FlowFilter.ALL)).isEmpty();
  }

  @Test
  void anObserverMayNotPushFlows() {
    assertThatThrownBy(() -> push("observer", "observer:alice", flows.deniedXwing()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(ring.recent(FlowFilter.ALL)).isEmpty();
  }

  @Test
  void anUnreadableFlowIsRefusedAloneAndTheRestOfTheBatchKept() throws Exception {
    CompletableFuture<PushSummary> done = new CompletableFuture<>();
    StreamObserver<FlowBatch> up =
        FlowsGrpc.newStub(as("node-a"))
            .push(
                new StreamObserver<>() {
                  @Override
                  public void onNext(PushSummary s) {
                    done.complete(s);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    up.onNext(
        FlowBatch.newBuilder()
            .setNode("node-a")
            .addFlows("{\"verdict\":\"dropped\"}")
            .addFlows(flows.deniedXwing().toJson())
            .build());
    up.onCompleted();

    PushSummary summary = done.get(10, TimeUnit.SECONDS);
    assertThat(summary.getAccepted()).isEqualTo(1);
    assertThat(summary.getRefused()).isEqualTo(1);
  }

  @Test
  void anObserverCertificateReadsTheFlowsWithTheFiltersOfApiFlows() throws Exception {
    push("node-a", "node-a", flows.deniedXwing());

    List<FlowMessage> all = observe("observer", Map.of());
    assertThat(all).hasSize(1);
    Flow read =
        Flow.fromJson(
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(all.getFirst().getFlow()));
    assertThat(read.node()).contains("node-a");
    assertThat(read.policy().orElseThrow().source()).isEqualTo(RelayedFlows.SOURCE);
    assertThat(observe("observer", Map.of("node", "node-a", "verdict", "denied"))).hasSize(1);
    assertThat(observe("observer", Map.of("node", "node-b"))).isEmpty();
  }

  @Test
  void aBadFilterIsRefusedNamingIt() {
    assertThatThrownBy(() -> observe("observer", Map.of("port", "http", "colour", "red")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("colour: unknown filter")
                  .contains("port: \"http\" is not a port number");
            });
  }

  @Test
  void aNodeCertificateOrAnObserverWithoutANameMayNotObserve() {
    for (String certificate : List.of("node-a", "no-observer")) {
      assertThatThrownBy(() -> observe(certificate, Map.of()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription()).contains("observer:NAME");
              });
    }
  }

  @Test
  void aFollowerGetsAFlowPushedAfterItStarted() throws Exception {
    Iterator<FlowMessage> it =
        FlowsGrpc.newBlockingStub(as("observer"))
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .observe(ObserveRequest.newBuilder().setFollow(true).build());
    // The follower is registered once the call reached the service: push until it sees one.
    CompletableFuture<FlowMessage> first = CompletableFuture.supplyAsync(it::next);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              push("node-a", "node-a", flows.deniedXwing());
              return first.isDone();
            });
    assertThat(first.get().getFlow()).contains("\"node\":\"node-a\"");
  }
}
