package io.palisade.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Finds a request's handler (an exact path first, then the longest prefix), reads its body without
 * holding a thread while the bytes trickle in, and writes the handler's answer.
 */
final class Routes extends Handler.Abstract {

  private final Map<String, HttpHandler> exact;
  private final Map<String, HttpHandler> prefixes;
  private final Map<String, EventStreamHandler> streams;
  private final Semaphore streaming = new Semaphore(EmbeddedHttpServer.MAX_STREAMS);
  private final int maxBodyBytes;
  private final BiConsumer<String, Exception> failures;

  Routes(
      Map<String, HttpHandler> exact,
      Map<String, HttpHandler> prefixes,
      Map<String, EventStreamHandler> streams,
      int maxBodyBytes,
      BiConsumer<String, Exception> failures) {
    this.exact = exact;
    this.prefixes = prefixes;
    this.streams = streams;
    this.maxBodyBytes = maxBodyBytes;
    this.failures = failures;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    EventStreamHandler events = streams.get(path);
    if (events != null) {
      stream(events, request, response, callback, path);
      return true;
    }
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
              name -> Optional.ofNullable(request.getHeaders().get(name)),
              body,
              query(request)));
    } catch (Exception e) {
      // The client learns that it failed, not how; the process's own log says why.
      failures.accept(path, e);
      return HttpResponse.text(500, "internal error\n");
    }
  }

  private static Map<String, String> query(Request request) {
    Map<String, String> out = new LinkedHashMap<>();
    Fields fields = Request.extractQueryParameters(request);
    for (Fields.Field f : fields) {
      out.putIfAbsent(f.getName(), f.getValue());
    }
    return out;
  }

  /**
   * Server-sent events: the handler writes on this thread, each event flushed before the next,
   * until it returns or the client goes. Bounded in number, since each holds a thread.
   */
  private void stream(
      EventStreamHandler handler,
      Request request,
      Response response,
      Callback callback,
      String path) {
    HttpRequest r =
        new HttpRequest(
            request.getMethod(),
            path,
            name -> Optional.ofNullable(request.getHeaders().get(name)),
            new byte[0],
            query(request));
    if (!request.getMethod().equals("GET")) {
      answer(response, callback, HttpResponse.text(405, "only GET is accepted at " + path + "\n"));
      return;
    }
    Optional<HttpResponse> refused;
    try {
      refused = handler.check(r);
    } catch (RuntimeException e) {
      failures.accept(path, e);
      refused = Optional.of(HttpResponse.text(500, "internal error\n"));
    }
    if (refused.isPresent()) {
      answer(response, callback, refused.get());
      return;
    }
    if (!streaming.tryAcquire()) {
      answer(
          response,
          callback,
          HttpResponse.text(
              503, "already " + EmbeddedHttpServer.MAX_STREAMS + " streams open; try later\n"));
      return;
    }
    Thread.ofVirtual()
        .name("palisade-http-events")
        .start(
            () -> {
              try {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                handler.stream(
                    r,
                    (event, data) -> {
                      if (data.indexOf('\n') >= 0 || event.indexOf('\n') >= 0) {
                        throw new IllegalArgumentException("an event holds no line break");
                      }
                      String text = "event: " + event + "\ndata: " + data + "\n\n";
                      try (Blocker.Callback done = Blocker.callback()) {
                        response.write(
                            false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), done);
                        done.block();
                      }
                    });
                response.write(true, ByteBuffer.allocate(0), callback);
              } catch (java.io.IOException e) {
                callback.failed(e); // the client went away
              } catch (Exception e) {
                failures.accept(path, e);
                callback.failed(e);
              } finally {
                streaming.release();
              }
            });
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
