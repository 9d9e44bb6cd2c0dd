package io.palisade.http;

import java.util.Optional;
import java.util.function.Function;

/**
 * One request as a handler sees it: its method, its decoded path, its headers by name (case does
 * not matter) and its whole body, already read and within {@link HttpLimits#maxBodyBytes()}.
 */
public final class HttpRequest {

  private final String method;
  private final String path;
  private final Function<String, Optional<String>> headers;
  private final byte[] body;
  private final String query;

  public HttpRequest(
      String method, String path, Function<String, Optional<String>> headers, byte[] body) {
    this(method, path, "", headers, body);
  }

  /** With the URL's raw query ({@code a=1&b=2}, still percent-encoded; empty when none). */
  public HttpRequest(
      String method,
      String path,
      String query,
      Function<String, Optional<String>> headers,
      byte[] body) {
    this.method = method;
    this.path = path;
    this.query = query == null ? "" : query;
    this.headers = headers;
    this.body = body.clone();
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The raw query of the URL, without {@code ?}; empty when it has none. */
  public String query() {
    return query;
  }

  /** The first value of header {@code name}. */
  public Optional<String> header(String name) {
    return headers.apply(name);
  }

  public byte[] body() {
    return body.clone();
  }
}
