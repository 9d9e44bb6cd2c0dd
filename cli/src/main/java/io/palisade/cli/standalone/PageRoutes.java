package io.palisade.cli.standalone;

import io.palisade.http.EmbeddedHttpServer;
import io.palisade.http.HttpRequest;
import io.palisade.http.HttpResponse;
import io.palisade.web.ApiAnswer;
import io.palisade.web.PageApi;
import io.palisade.web.PageAssets;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The web page on standalone mode's server: its assets at {@code /ui/} and its JSON at {@code
 * /api/matrix} and {@code /api/whatif}, answered by {@link PageApi} as the operator answers them.
 */
final class PageRoutes {

  private PageRoutes() {}

  static void install(EmbeddedHttpServer.Builder b, PageApi api) {
    b.get("/api/matrix", request -> answer(api.matrix(request.query())))
        .prefix(
            "/api/whatif",
            request ->
                !request.path().equals("/api/whatif")
                    ? HttpResponse.text(404, "nothing at " + request.path() + "\n")
                    : !request.method().equals("POST")
                        ? HttpResponse.text(405, "only POST is accepted at /api/whatif\n")
                        : answer(
                            api.whatIf(
                                request.query(),
                                new String(request.body(), StandardCharsets.UTF_8))))
        .get("/ui", request -> redirect())
        .prefix("/ui/", PageRoutes::asset);
  }

  private static HttpResponse asset(HttpRequest request) throws java.io.IOException {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return HttpResponse.text(405, "only GET is accepted at " + request.path() + "\n");
    }
    if (!PageAssets.present()) {
      // A build without npm has no page: say so rather than answer an empty one.
      return HttpResponse.text(404, "this build has no web page (the web module was not built)\n");
    }
    Optional<PageAssets.Asset> a = PageAssets.find(request.path());
    return a.map(asset -> new HttpResponse(200, asset.contentType(), asset.bytes()))
        .orElseGet(() -> HttpResponse.text(404, "nothing at " + request.path() + "\n"));
  }

  private static HttpResponse redirect() {
    return HttpResponse.text(404, "the page is at /ui/\n");
  }

  private static HttpResponse answer(ApiAnswer a) {
    return HttpResponse.json(a.status(), a.json());
  }
}
