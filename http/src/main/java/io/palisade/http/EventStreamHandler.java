package io.palisade.http;

import java.util.Optional;

/**
 * Serves a stream of events on a virtual thread of its own for as long as it runs (the server's
 * pool threads stay free); the server runs at most {@link EmbeddedHttpServer#MAX_STREAMS} at once
 * and answers 503 beyond.
 */
public interface EventStreamHandler {
  /** A whole answer instead of a stream (a refused request), or empty to stream. */
  Optional<HttpResponse> check(HttpRequest request);

  /** Sends events until done or until {@link EventStream#send} throws. */
  void stream(HttpRequest request, EventStream events) throws Exception;
}
