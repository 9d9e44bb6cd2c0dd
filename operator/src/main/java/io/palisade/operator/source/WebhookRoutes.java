package io.palisade.operator.source;

import io.palisade.gitops.WebhookReceiver;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

/**
 * The HTTP face of the PolicySource machinery on the operator's HTTP server: the webhook receivers
 * under {@code /hook/}. (Quarkus serves the meters at {@code /metrics}.)
 */
public final class WebhookRoutes {

  private WebhookRoutes() {}

  public static void install(Router router, SourceWebhooks webhooks) {
    router
        .route("/hook/*")
        // One byte over the receiver's limit, so that it, not Vert.x, answers the oversized call.
        .handler(BodyHandler.create().setBodyLimit(WebhookReceiver.MAX_BODY_BYTES + 1L))
        .blockingHandler(
            ctx -> {
              byte[] body =
                  ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
              WebhookReceiver.Answer a =
                  webhooks.receive(
                      ctx.request().method().name(),
                      ctx.normalizedPath(),
                      h -> Optional.ofNullable(ctx.request().getHeader(h)),
                      body);
              ctx.response()
                  .setStatusCode(a.status())
                  .putHeader("Content-Type", "text/plain")
                  .end(a.sync() ? "sync started\n" : a.reason() + "\n");
            });
  }
}
