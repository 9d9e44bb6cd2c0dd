package io.palisade.http;

/**
 * Answers one request. Called on one of the server's threads once the whole request is in; it
 * should answer quickly, since the threads are few (slow clients hold connections, never threads).
 */
@FunctionalInterface
public interface HttpHandler {
  HttpResponse handle(HttpRequest request) throws Exception;
}
