package io.palisade.operator.admission;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The webhook's route, {@code POST /admission/validate}, on the operator's HTTPS port. The API
 * server calls webhooks over TLS only; a review arriving in plain text did not come from it and is
 * refused, so that the route is never mistaken for one the plain HTTP port serves.
 */
public final class AdmissionRoutes {

  public static final String PATH = "/admission/validate";

  /**
   * The API server's request limit is 3 MiB per object; a review of an UPDATE carries two objects.
   */
  static final long MAX_BODY_BYTES = 8L * 1024 * 1024;

  private AdmissionRoutes() {}

  public static void install(Router router, AdmissionReviewer reviewer) {
    router
        .post(PATH)
        .handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES))
        .blockingHandler(
            ctx -> {
              if (!ctx.request().isSSL()) {
                ctx.response()
                    .setStatusCode(403)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("admission reviews are answered on the HTTPS port only\n");
                return;
              }
              byte[] body =
                  ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
              AdmissionReviewer.Answer a = reviewer.review(body);
              ctx.response()
                  .setStatusCode(a.status())
                  .putHeader("Content-Type", a.contentType())
                  .end(a.body());
            },
            // Reviews are independent: no need to answer them one at a time.
            false);
  }
}
