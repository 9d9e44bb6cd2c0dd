package io.palisade.http;

import java.io.IOException;

/**
 * A response sent in pieces as they happen ({@code text/event-stream}): each {@link #send} is
 * written before it returns, and throws once the client is gone, which ends the handler.
 */
public interface EventStream {
  /** Writes one server-sent event: {@code data} must hold no line break. */
  void send(String event, String data) throws IOException;
}
