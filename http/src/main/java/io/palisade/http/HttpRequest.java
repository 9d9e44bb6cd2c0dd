package io.palisade.http;

import java.util.Map;
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
  private final Map<String, String> query;

  public HttpRequest(
      String method, String path, Function<String, Optional<String>> headers, byte[] body) {
    this(method, path, headers, body, Map.of());
  }

  public HttpRequest(
      String method,
      String path,
      Function<String, Optional<String>> headers,
      byte[] body,
      Map<String, String> query) {
    this.query = Map.copyOf(query);
    this.method = method;
    this.path = path;
    this.headers = headers;
    this.body = body.clone();
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The first value of header {@code name}. */
  public Optional<String> header(String name) {
    return headers.apply(name);
  }

  /** The query's parameters, decoded; of a parameter given twice, the first value. */
  public Map<String, String> query() {
    return query;
  }

  public byte[] body() {
    return body.clone();
  }
}
