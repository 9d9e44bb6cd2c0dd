package io.palisade.node.observe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.palisade.http.EventStream;
import io.palisade.http.EventStreamHandler;
import io.palisade.http.HttpRequest;
import io.palisade.http.HttpResponse;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowFilter;
import io.palisade.pipeline.flows.FlowRing;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /api/flows}: the recent flows of a {@link FlowRing} that pass the query's filters
 * ({@link FlowFilter}), as a JSON array of {@link Flow#toJson} objects, oldest first; with {@code
 * follow=true}, server-sent events instead: {@code event: flow} with one flow as data, from the
 * recent ones (only with {@code since}) on, {@code event: lost} with {@code {"lost":N}} when this
 * client fell behind and N flows were skipped, and {@code event: ping} every 15 s of quiet.
 */
public final class FlowsEndpoint implements EventStreamHandler {

  public static final String PATH = "/api/flows";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PING_MILLIS = 15_000;

  private final FlowRing ring;
  private final Clock clock;

  public FlowsEndpoint(FlowRing ring, Clock clock) {
    this.ring = ring;
    this.clock = clock;
  }

  @Override
  public Optional<HttpResponse> check(HttpRequest request) {
    FlowFilter filter;
    try {
      filter = FlowFilter.parse(request.query(), clock.instant());
    } catch (IllegalArgumentException e) {
      return Optional.of(HttpResponse.text(400, e.getMessage() + "\n"));
    }
    String follow = request.query().getOrDefault("follow", "false");
    if (!follow.equals("true") && !follow.equals("false")) {
      return Optional.of(
          HttpResponse.text(400, "follow: \"" + follow + "\" is neither true nor false\n"));
    }
    if (follow.equals("true")) {
      return Optional.empty();
    }
    ArrayNode out = JSON.createArrayNode();
    ring.recent(filter).forEach(f -> out.add(f.toJsonNode()));
    return Optional.of(HttpResponse.json(200, out.toString()));
  }

  @Override
  public void stream(HttpRequest request, EventStream events) throws Exception {
    FlowFilter filter = FlowFilter.parse(request.query(), clock.instant());
    try (FlowRing.Follower follower = ring.follow(filter, filter.since().isPresent())) {
      events.send("ping", "{}");
      while (true) {
        List<Flow> flows = follower.next(PING_MILLIS);
        long lost = follower.takeLost();
        if (lost > 0) {
          events.send("lost", "{\"lost\":" + lost + "}");
        }
        for (Flow f : flows) {
          events.send("flow", f.toJson());
        }
        if (flows.isEmpty() && lost == 0) {
          events.send("ping", "{}");
        }
      }
    }
  }
}
