package io.palisade.cli.standalone;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * HTTP/1.1 to 127.0.0.1 of the calling thread's network namespace. {@link HttpURLConnection} opens
 * its socket on the calling thread, which is what puts the call in the right namespace (the JDK's
 * HttpClient opens sockets on threads of its own).
 */
final class LoopbackHttp {

  /** Status and body of one answer. */
  record Response(int status, String body) {}

  private LoopbackHttp() {}

  static Response get(int port, String path) throws IOException {
    return exchange(open(port, path), null);
  }

  static Response post(int port, String path, Map<String, String> headers, byte[] body)
      throws IOException {
    HttpURLConnection c = open(port, path);
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    headers.forEach(c::setRequestProperty);
    return exchange(c, body);
  }

  private static HttpURLConnection open(int port, String path) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(10000);
    return c;
  }

  private static Response exchange(HttpURLConnection c, byte[] body) throws IOException {
    try {
      if (body != null) {
        try (OutputStream os = c.getOutputStream()) {
          os.write(body);
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, text);
    } finally {
      c.disconnect();
    }
  }
}
