package io.palisade.http;

import java.time.Duration;

/**
 * What one client may take from an {@link EmbeddedHttpServer}: how long its connection may stay
 * silent (a request whose headers stop halfway is closed after this), how many connections may be
 * open at once (further ones wait in the kernel's backlog until one closes), and how large a
 * request's headers and body may be.
 */
public record HttpLimits(
    Duration idleTimeout, int maxConnections, int maxHeaderBytes, int maxBodyBytes) {

  /** Ten seconds of silence, 128 connections, 8 KiB of headers, 64 KiB of body. */
  public static final HttpLimits DEFAULT =
      new HttpLimits(Duration.ofSeconds(10), 128, 8 * 1024, 64 * 1024);

  public HttpLimits {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive, not " + idleTimeout);
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException(
          "maxConnections must be at least 1, not " + maxConnections);
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException(
          "maxHeaderBytes must be at least 1024, not " + maxHeaderBytes);
    }
    if (maxBodyBytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must not be negative, not " + maxBodyBytes);
    }
  }

  public HttpLimits withIdleTimeout(Duration timeout) {
    return new HttpLimits(timeout, maxConnections, maxHeaderBytes, maxBodyBytes);
  }

  public HttpLimits withMaxConnections(int connections) {
    return new HttpLimits(idleTimeout, connections, maxHeaderBytes, maxBodyBytes);
  }

  public HttpLimits withMaxBodyBytes(int bytes) {
    return new HttpLimits(idleTimeout, maxConnections, maxHeaderBytes, bytes);
  }
}
