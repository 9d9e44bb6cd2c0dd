package io.palisade.node.observe;

import io.palisade.http.EventStream;
import io.palisade.http.EventStreamHandler;
import io.palisade.http.HttpRequest;
import io.palisade.http.HttpResponse;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.flows.FlowsApi;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code GET /api/flows} on the embedded HTTP server ({@link FlowsApi} answers): a JSON array of
 * {@link Flow#toJson} objects, oldest first; with {@code follow=true}, server-sent events instead:
 * {@code event: flow} with one flow as data, {@code event: lost} with {@code {"lost":N}} when this
 * client fell behind and N flows were skipped, and {@code event: ping} every 15 s of quiet.
 */
public final class FlowsEndpoint implements EventStreamHandler {

  public static final String PATH = FlowsApi.PATH;

  private final FlowsApi api;
  private final Clock clock;

  public FlowsEndpoint(FlowRing ring, Clock clock) {
    this.api = new FlowsApi(ring);
    this.clock = clock;
  }

  @Override
  public Optional<HttpResponse> check(HttpRequest request) {
    FlowsApi.Request asked;
    try {
      asked = FlowsApi.parse(request.query(), clock.instant());
    } catch (IllegalArgumentException e) {
      return Optional.of(HttpResponse.text(400, e.getMessage() + "\n"));
    }
    if (asked.follow()) {
      return Optional.empty();
    }
    return Optional.of(HttpResponse.json(200, api.recentJson(asked.filter())));
  }

  @Override
  public void stream(HttpRequest request, EventStream events) throws Exception {
    api.follow(
        FlowsApi.parse(request.query(), clock.instant()).filter(),
        FlowsApi.asServerSentEvents(events::send));
  }
}
