package io.palisade.http;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Finds a request's handler (an exact path first, then the longest prefix), reads its body without
 * holding a thread while the bytes trickle in, and writes the handler's answer.
 */
final class Routes extends Handler.Abstract {

  private final Map<String, HttpHandler> exact;
  private final Map<String, HttpHandler> prefixes;
  private final int maxBodyBytes;
  private final BiConsumer<String, Exception> failures;

  Routes(
      Map<String, HttpHandler> exact,
      Map<String, HttpHandler> prefixes,
      int maxBodyBytes,
      BiConsumer<String, Exception> failures) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.maxBodyBytes = maxBodyBytes;
    this.failures = failures;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    Optional<HttpHandler> handler = find(path);
    if (handler.isEmpty()) {
      answer(response, callback, HttpResponse.text(404, "nothing at " + path + "\n"));
      return true;
    }
    Content.Source.asByteArrayAsync(request, maxBodyBytes)
        .whenComplete(
            (body, failure) -> {
              if (failure != null) {
                answer(response, callback, HttpResponse.text(413, tooLarge()));
                return;
              }
              answer(response, callback, call(handler.get(), request, path, body));
            });
    return true;
  }

  private Optional<HttpHandler> find(String path) {
    HttpHandler h = exact.get(path);
    if (h != null) {
      return Optional.of(h);
    }
    return prefixes.entrySet().stream()
        .filter(e -> path.startsWith(e.getKey()))
        .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
        .map(Map.Entry::getValue);
  }

  private HttpResponse call(HttpHandler handler, Request request, String path, byte[] body) {
    try {
      return handler.handle(
          new HttpRequest(
              request.getMethod(),
              path,
              request.getHttpURI().getQuery(),
              name -> Optional.ofNullable(request.getHeaders().get(name)),
              body));
    } catch (Exception e) {
      // The client learns that it failed, not how; the process's own log says why.
      failures.accept(path, e);
      return HttpResponse.text(500, "internal error\n");
    }
  }

  private String tooLarge() {
    return "request body exceeds " + maxBodyBytes + " bytes\n";
  }

  private static void answer(Response response, Callback callback, HttpResponse answer) {
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
    byte[] body = answer.body();
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    if (answer.status() == HttpStatus.PAYLOAD_TOO_LARGE_413) {
      // The rest of the body is not read: the connection cannot carry another request.
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
