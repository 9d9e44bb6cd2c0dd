package io.palisade.node.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.pipeline.flows.Flow;
import io.palisade.proto.flows.v1.FlowBatch;
import io.palisade.proto.flows.v1.FlowsGrpc;
import io.palisade.proto.flows.v1.PushSummary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay of a stream-mode daemon's flows against a real gRPC server standing in for the
 * operator: batches of at most 512, the queue's overflow dropped and counted while the operator is
 * away, and the flows queued meanwhile delivered once it is back.
 */
class FlowRelayTest {

  private final List<FlowBatch> received = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private Server operator;
  private ManagedChannel channel;
  private FlowRelay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    if (operator != null) {
      operator.shutdownNow();
    }
  }

  /** An operator that keeps every batch pushed to it. */
  private Server operatorOn(int port) throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(
            new FlowsGrpc.FlowsImplBase() {
              @Override
              public StreamObserver<FlowBatch> push(StreamObserver<PushSummary> summary) {
                return new StreamObserver<>() {
                  @Override
                  public void onNext(FlowBatch batch) {
                    received.add(batch);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {
                    summary.onNext(PushSummary.getDefaultInstance());
                    summary.onCompleted();
                  }
                };
              }
            })
        .build()
        .start();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private FlowRelay relayTo(int port) {
    channel = NodeStateClient.insecureChannel("127.0.0.1:" + port);
    return new FlowRelay(
        "node-a", channel, Duration.ofMillis(50), Duration.ofMillis(200), new PrintStream(log));
  }

  private static Flow flow(int port) {
    return new Flow(
        Instant.parse("2026-12-04T12:00:00Z"),
        "dropped",
        "policy_denied",
        "ingress",
        "TCP",
        new Flow.Endpoint(Optional.empty(), Optional.empty(), "10.0.0.3", 300, 41000),
        new Flow.Endpoint(Optional.empty(), Optional.empty(), "10.0.0.2", 200, port),
        Optional.empty(),
        List.of(),
        List.of(),
        3);
  }

  /** Polls {@code done} until it holds, failing after {@code seconds}. */
  private static void waitUntil(int seconds, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited %d s", seconds).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private int flowsReceived() {
    return received.stream().mapToInt(FlowBatch::getFlowsCount).sum();
  }

  @Test
  void queuedFlowsGoInBatchesOfAtMost512NamingTheNode() throws Exception {
    int port = freePort();
    operator = operatorOn(port);
    relay = relayTo(port);
    // Queued before the relay runs, so they are there for its first batches at once.
    for (int i = 0; i < 1200; i++) {
      relay.accept(flow(i));
    }
    relay.start();

    waitUntil(10, () -> flowsReceived() == 1200);
    assertThat(received).allSatisfy(b -> assertThat(b.getFlowsCount()).isBetween(1, 512));
    assertThat(received.getFirst().getFlowsCount()).isEqualTo(FlowRelay.BATCH);
    assertThat(received).allSatisfy(b -> assertThat(b.getNode()).isEqualTo("node-a"));
    assertThat(
            Flow.fromJson(
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(received.getFirst().getFlows(0))))
        .isEqualTo(flow(0));
    assertThat(relay.dropped()).isZero();
    assertThat(relay.sent()).isEqualTo(1200);
  }

  @Test
  void whileTheOperatorIsAwayTheOverflowIsDroppedAndCountedAndTheRestArrivesWhenItIsBack()
      throws Exception {
    int port = freePort();
    relay = relayTo(port).start();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    relay.bindMeters(registry);
    // Let it fail to connect (and back off) a few times first.
    waitUntil(10, () -> log.toString().lines().count() >= 2);

    long started = System.nanoTime();
    for (int i = 0; i < FlowRelay.QUEUE + 100; i++) {
      relay.accept(flow(i % 65536));
    }
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(relay.dropped()).isEqualTo(100);
    assertThat(tookMillis).as("the datapath's reader never waits").isLessThan(2_000);
    assertThat(registry.scrape()).contains("palisade_flow_relay_dropped_total 100.0");

    operator = operatorOn(port);
    waitUntil(20, () -> flowsReceived() == FlowRelay.QUEUE);
    assertThat(relay.connects()).isEqualTo(1);
    assertThat(received.getFirst().getDropped()).isEqualTo(100);
  }

  @Test
  void aStreamTheOperatorEndsIsOpenedAgain() throws Exception {
    int port = freePort();
    operator = operatorOn(port);
    relay = relayTo(port).start();
    relay.accept(flow(1));
    waitUntil(10, () -> flowsReceived() == 1);

    operator.shutdownNow().awaitTermination();
    operator = operatorOn(port);
    waitUntil(10, () -> relay.connects() >= 2);
    relay.accept(flow(2));

    waitUntil(10, () -> flowsReceived() == 2);
  }
}
