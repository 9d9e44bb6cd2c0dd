package io.palisade.pipeline.flows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code /api/flows} answers over a {@link FlowRing}, apart from the server that carries it:
 * the daemons' and standalone's HTTP server, the operator's, and the operator's gRPC {@code
 * Observe} all ask this one class, so the filters, the refusals and a follower's losses read the
 * same through each.
 */
public final class FlowsApi {

  public static final String PATH = "/api/flows";

  /** A quiet follow says it is alive this often, so proxies and clients do not time it out. */
  public static final long QUIET_MILLIS = 15_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FlowRing ring;

  public FlowsApi(FlowRing ring) {
    this.ring = ring;
  }

  /** What a request asks for: the flows its filter passes, now or from now on. */
  public record Request(FlowFilter filter, boolean follow) {}

  /** Where a follow's events go; each throws once the client is gone, which ends the follow. */
  public interface Events {
    void flow(Flow flow) throws IOException;

    /** {@code count} flows were skipped because this client fell behind. */
    void lost(long count) throws IOException;

    /** Nothing happened for {@link #QUIET_MILLIS}. */
    void quiet() throws IOException;
  }

  /** Writes one server-sent event ({@code data} holds no line break). */
  @FunctionalInterface
  public interface ServerSentEvents {
    void send(String event, String data) throws IOException;
  }

  /**
   * The events as {@code /api/flows?follow=true} sends them: {@code flow} with the flow's JSON,
   * {@code lost} with {@code {"lost":N}}, {@code ping} with {@code {}} when quiet.
   */
  public static Events asServerSentEvents(ServerSentEvents out) {
    return new Events() {
      @Override
      public void flow(Flow flow) throws IOException {
        out.send("flow", flow.toJson());
      }

      @Override
      public void lost(long count) throws IOException {
        out.send("lost", "{\"lost\":" + count + "}");
      }

      @Override
      public void quiet() throws IOException {
        out.send("ping", "{}");
      }
    };
  }

  /**
   * The request of query parameters ({@link FlowFilter#PARAMETERS}, {@code follow} {@code true} or
   * {@code false}); throws IllegalArgumentException naming every bad one at once.
   */
  public static Request parse(Map<String, String> query, Instant now) {
    String follow = query.getOrDefault("follow", "false");
    String badFollow =
        follow.equals("true") || follow.equals("false")
            ? ""
            : "follow: \"" + follow + "\" is neither true nor false";
    FlowFilter filter;
    try {
      filter = FlowFilter.parse(query, now);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          badFollow.isEmpty() ? e.getMessage() : e.getMessage() + "; " + badFollow);
    }
    if (!badFollow.isEmpty()) {
      throw new IllegalArgumentException(badFollow);
    }
    return new Request(filter, follow.equals("true"));
  }

  /** The recent flows that pass {@code filter}, oldest first. */
  public List<Flow> recent(FlowFilter filter) {
    return ring.recent(filter);
  }

  /** The same as the JSON array {@code /api/flows} answers. */
  public String recentJson(FlowFilter filter) {
    ArrayNode out = JSON.createArrayNode();
    ring.recent(filter).forEach(f -> out.add(f.toJsonNode()));
    return out.toString();
  }

  /**
   * Sends the flows that pass {@code filter} as they come (the recent ones first when it has a
   * {@code since}) until {@code events} throws or the thread is interrupted.
   */
  public void follow(FlowFilter filter, Events events) throws IOException, InterruptedException {
    try (FlowRing.Follower follower = ring.follow(filter, filter.since().isPresent())) {
      events.quiet();
      while (true) {
        List<Flow> flows = follower.next(QUIET_MILLIS);
        long lost = follower.takeLost();
        if (lost > 0) {
          events.lost(lost);
        }
        for (Flow f : flows) {
          events.flow(f);
        }
        if (flows.isEmpty() && lost == 0) {
          events.quiet();
        }
      }
    }
  }
}
