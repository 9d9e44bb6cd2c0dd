package io.palisade.operator.flows;

import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.flows.FlowsApi;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * {@code GET /api/flows} on the operator's HTTP server over the relayed flows, answered by the same
 * {@link FlowsApi} as a daemon's and standalone's: the same filters and refusals, the same JSON,
 * and with {@code follow=true} the same server-sent events, sent from a virtual thread so the event
 * loop never waits on a follower.
 */
public final class FlowRoutes {

  private FlowRoutes() {}

  public static void install(Router router, FlowRing ring, Clock clock) {
    FlowsApi api = new FlowsApi(ring);
    Semaphore follows = new Semaphore(FlowsService.MAX_FOLLOWS);
    router
        .get(FlowsApi.PATH)
        .handler(
            ctx -> {
              FlowsApi.Request asked;
              try {
                asked = FlowsApi.parse(query(ctx), clock.instant());
              } catch (IllegalArgumentException e) {
                text(ctx, 400, e.getMessage());
                return;
              }
              if (!asked.follow()) {
                ctx.vertx()
                    .executeBlocking(() -> api.recentJson(asked.filter()))
                    .onSuccess(
                        json ->
                            ctx.response().putHeader("Content-Type", "application/json").end(json))
                    .onFailure(ctx::fail);
                return;
              }
              if (!follows.tryAcquire()) {
                text(ctx, 503, FlowsService.MAX_FOLLOWS + " clients already follow flows");
                return;
              }
              HttpServerResponse response =
                  ctx.response()
                      .setChunked(true)
                      .putHeader("Content-Type", "text/event-stream")
                      .putHeader("Cache-Control", "no-cache");
              Thread follower =
                  Thread.ofVirtual()
                      .name("palisade-flows-follow")
                      .unstarted(
                          () -> {
                            try {
                              api.follow(
                                  asked.filter(),
                                  FlowsApi.asServerSentEvents((e, d) -> send(response, e, d)));
                            } catch (IOException | InterruptedException e) {
                              // The client went away.
                            } finally {
                              follows.release();
                              if (!response.closed() && !response.ended()) {
                                response.end();
                              }
                            }
                          });
              response.closeHandler(v -> follower.interrupt());
              follower.start();
            });
  }

  private static void send(HttpServerResponse response, String event, String data)
      throws IOException {
    // A slow client fills Vert.x's queue: wait, so flows are lost (and counted) in the ring's
    // bounded follower queue rather than buffered here without limit.
    while (response.writeQueueFull()) {
      if (response.closed()) {
        throw new IOException("the client went away");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("the client went away", e);
      }
    }
    if (response.closed()) {
      throw new IOException("the client went away");
    }
    response.write("event: " + event + "\ndata: " + data + "\n\n");
  }

  private static Map<String, String> query(RoutingContext ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    ctx.queryParams().forEach(e -> out.putIfAbsent(e.getKey(), e.getValue()));
    return out;
  }

  private static void text(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(message + "\n");
  }
}
