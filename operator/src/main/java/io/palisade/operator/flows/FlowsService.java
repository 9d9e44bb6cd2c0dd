package io.palisade.operator.flows;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.palisade.operator.nodestate.PeerNode;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.flows.FlowsApi;
import io.palisade.proto.flows.v1.FlowBatch;
import io.palisade.proto.flows.v1.FlowMessage;
import io.palisade.proto.flows.v1.FlowsGrpc;
import io.palisade.proto.flows.v1.ObserveRequest;
import io.palisade.proto.flows.v1.PushSummary;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The operator's side of {@code palisade.flows.v1.Flows}: the daemons' flows come in by {@code
 * Push}, are named from the operator's pipeline ({@link FlowNaming}), marked with their node and
 * kept in the ring; observers read them by {@code Observe}, with the filters of {@code /api/flows}
 * ({@link FlowsApi}). Who may do which is {@link FlowAccess}'s.
 */
public final class FlowsService extends FlowsGrpc.FlowsImplBase {

  /** Follows open at once, as the HTTP servers allow: each holds a thread and a queue. */
  static final int MAX_FOLLOWS = 4;

  private static final Logger LOG = Logger.getLogger(FlowsService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FlowRing ring;
  private final FlowsApi api;
  private final FlowNaming naming;
  private final FlowAccess access;
  private final Clock clock;
  private final Semaphore follows = new Semaphore(MAX_FOLLOWS);
  private final AtomicLong droppedOnNodes = new AtomicLong();

  public FlowsService(FlowRing ring, FlowNaming naming, FlowAccess access, Clock clock) {
    this.ring = ring;
    this.api = new FlowsApi(ring);
    this.naming = naming;
    this.access = access;
    this.clock = clock;
  }

  /** Flows the daemons said they dropped because the operator did not take them fast enough. */
  public long droppedOnNodes() {
    return droppedOnNodes.get();
  }

  @Override
  public StreamObserver<FlowBatch> push(StreamObserver<PushSummary> summary) {
    Optional<String> peer = PeerNode.current();
    return new StreamObserver<>() {
      private long accepted;
      private long refused;
      private boolean closed;

      @Override
      public void onNext(FlowBatch batch) {
        if (closed) {
          return;
        }
        Optional<String> refusal =
            batch.getNode().isEmpty()
                ? Optional.of("batch.node: missing")
                : access.refusePush(peer, batch.getNode());
        if (refusal.isPresent()) {
          closed = true;
          LOG.warnf(
              "refused flows from %s: %s",
              peer.orElse("a peer without a certificate"), refusal.get());
          Status status =
              batch.getNode().isEmpty() ? Status.INVALID_ARGUMENT : Status.PERMISSION_DENIED;
          summary.onError(status.withDescription(refusal.get()).asRuntimeException());
          return;
        }
        droppedOnNodes.addAndGet(batch.getDropped());
        for (String json : batch.getFlowsList()) {
          try {
            ring.accept(naming.name(Flow.fromJson(JSON.readTree(json))).onNode(batch.getNode()));
            accepted++;
          } catch (IllegalArgumentException | IOException e) {
            // One bad flow costs that flow, not the node's stream.
            refused++;
            LOG.warnf("a flow from node %s is unreadable: %s", batch.getNode(), e.getMessage());
          }
        }
      }

      @Override
      public void onError(Throwable t) {
        closed = true;
      }

      @Override
      public void onCompleted() {
        if (!closed) {
          closed = true;
          summary.onNext(
              PushSummary.newBuilder().setAccepted(accepted).setRefused(refused).build());
          summary.onCompleted();
        }
      }
    };
  }

  @Override
  public void observe(ObserveRequest request, StreamObserver<FlowMessage> out) {
    Optional<String> refusal = access.refuseObserve(PeerNode.current());
    if (refusal.isPresent()) {
      out.onError(Status.PERMISSION_DENIED.withDescription(refusal.get()).asRuntimeException());
      return;
    }
    Map<String, String> query = new HashMap<>(request.getFiltersMap());
    query.put("follow", Boolean.toString(request.getFollow()));
    FlowsApi.Request asked;
    try {
      asked = FlowsApi.parse(query, clock.instant());
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    if (!asked.follow()) {
      for (Flow f : api.recent(asked.filter())) {
        out.onNext(FlowMessage.newBuilder().setFlow(f.toJson()).build());
      }
      out.onCompleted();
      return;
    }
    if (!follows.tryAcquire()) {
      out.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(MAX_FOLLOWS + " observers already follow flows; try again later")
              .asRuntimeException());
      return;
    }
    ServerCallStreamObserver<FlowMessage> call = (ServerCallStreamObserver<FlowMessage>) out;
    FollowSender sender = new FollowSender(call);
    Thread follower =
        Thread.ofVirtual()
            .name("palisade-flows-observe")
            .unstarted(
                () -> {
                  try {
                    api.follow(asked.filter(), sender);
                  } catch (IOException | InterruptedException e) {
                    // The observer went away: nothing to tell it.
                  } finally {
                    follows.release();
                  }
                });
    call.setOnCancelHandler(follower::interrupt);
    call.setOnReadyHandler(sender::ready);
    follower.start();
  }
}
