package io.palisade.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.palisade.pipeline.flows.Flow;
import io.palisade.proto.flows.v1.FlowMessage;
import io.palisade.proto.flows.v1.FlowsGrpc;
import io.palisade.proto.flows.v1.ObserveRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code palisade observe --operator}: the flows every stream-mode daemon relayed to the operator,
 * named there, read by the {@code Observe} call of {@code palisade.flows.v1.Flows} with the same
 * filters as {@code /api/flows}, and printed as {@code --server} mode prints them.
 */
final class OperatorFlows {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String operator;
  private final ObserverTls tls;

  OperatorFlows(String operator, ObserverTls tls) {
    this.operator = operator;
    this.tls = tls;
  }

  /** Prints the flows; the exit code as {@code --server} mode's (2: a filter was refused). */
  int print(
      Map<String, String> filters,
      boolean follow,
      FlowPrinter printer,
      PrintWriter out,
      PrintWriter err) {
    ManagedChannel channel;
    try {
      channel = tls.channel(operator);
    } catch (IllegalArgumentException e) {
      err.println("palisade observe: " + e.getMessage());
      return 2;
    }
    try {
      Iterator<FlowMessage> messages =
          FlowsGrpc.newBlockingStub(channel)
              .observe(
                  ObserveRequest.newBuilder().putAllFilters(filters).setFollow(follow).build());
      while (messages.hasNext()) {
        FlowMessage m = messages.next();
        if (m.hasLost()) {
          err.println("palisade observe: " + m.getLost() + " flows lost: this client fell behind");
        } else {
          printer.print(Flow.fromJson(JSON.readTree(m.getFlow())));
        }
        out.flush();
      }
      if (follow) {
        err.println("palisade observe: the operator " + operator + " closed the stream");
        return 1;
      }
      return 0;
    } catch (StatusRuntimeException e) {
      return refused(e.getStatus(), err);
    } catch (IOException | IllegalArgumentException e) {
      err.println("palisade observe: the operator sent an unreadable flow: " + e.getMessage());
      return 1;
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private int refused(Status status, PrintWriter err) {
    String why =
        status.getDescription() == null ? status.getCode().name() : status.getDescription();
    switch (status.getCode()) {
      case INVALID_ARGUMENT -> {
        err.println("palisade observe: the operator refused the filters: " + why);
        return 2;
      }
      case PERMISSION_DENIED -> err.println("palisade observe: the operator refused: " + why);
      case UNAVAILABLE ->
          err.println("palisade observe: cannot reach the operator at " + operator + ": " + why);
      default -> err.println("palisade observe: the flows from " + operator + " stopped: " + why);
    }
    return 1;
  }
}
