package io.palisade.http;

import java.nio.charset.StandardCharsets;

/** A handler's answer: status, content type and the whole body. */
public record HttpResponse(int status, String contentType, byte[] body) {

  public HttpResponse {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be 100-599, not " + status);
    }
    body = body.clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** A UTF-8 text answer. */
  public static HttpResponse text(int status, String body) {
    return of(status, "text/plain; charset=utf-8", body);
  }

  public static HttpResponse json(int status, String body) {
    return of(status, "application/json", body);
  }

  public static HttpResponse of(int status, String contentType, String body) {
    return new HttpResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }
}
