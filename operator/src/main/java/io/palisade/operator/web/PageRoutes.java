package io.palisade.operator.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.web.ApiAnswer;
import io.palisade.web.PageApi;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The page's JSON on the operator's HTTP server, over its live inventory: {@code GET
 * /api/policies}, {@code GET /api/matrix} and {@code POST /api/whatif}, answered by the same {@link
 * PageApi} as standalone mode. Computations run off the event loop.
 */
public final class PageRoutes {

  /** A what-if posts one or a few policies; more than this is not a policy. */
  static final long MAX_BODY_BYTES = 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private PageRoutes() {}

  public static void install(Router router, ClusterInventory inventory) {
    PageApi api = new PageApi(() -> inventory.snapshot().cluster());
    router
        .get("/api/policies")
        .blockingHandler(
            ctx -> send(ctx, new ApiAnswer(200, write(InventoryPolicies.of(inventory)))));
    router.get("/api/matrix").blockingHandler(ctx -> send(ctx, api.matrix(query(ctx))));
    router
        .post("/api/whatif")
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
        .blockingHandler(
            ctx ->
                send(
                    ctx,
                    api.whatIf(
                        query(ctx),
                        ctx.body().buffer() == null
                            ? ""
                            : ctx.body().buffer().toString(StandardCharsets.UTF_8))));
  }

  /**
   * The query's parameters, decoded; of a parameter given twice, the first value (as standalone).
   */
  private static Map<String, String> query(RoutingContext ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    ctx.queryParams().forEach(e -> out.putIfAbsent(e.getKey(), e.getValue()));
    return out;
  }

  private static void send(RoutingContext ctx, ApiAnswer a) {
    ctx.response()
        .setStatusCode(a.status())
        .putHeader("Content-Type", "application/json")
        .end(a.json());
  }

  private static String write(Object body) {
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write /api/policies", e);
    }
  }
}
