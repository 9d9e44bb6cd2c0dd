package io.palisade.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 keep-alive connection from a chosen source address, written and read byte by byte,
 * so that tests see exactly what the proxy answers and which connection carried it.
 */
final class RawHttp implements AutoCloseable {

  record Response(int status, Map<String, String> headers, String body) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** {@code beforeConnect} learns the source port before the connection is made. */
  RawHttp(String source, InetSocketAddress target, java.util.function.IntConsumer beforeConnect)
      throws IOException {
    socket = new Socket();
    socket.setSoTimeout(20_000);
    socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    beforeConnect.accept(socket.getLocalPort());
    socket.connect(target, 5_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  Response send(String method, String path, String host, Map<String, String> headers, String body)
      throws IOException {
    StringBuilder req =
        new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    req.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
    out.write(req.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    return read();
  }

  Response read() throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("connection closed before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    String body = "";
    if (headers.containsKey("content-length")) {
      body =
          new String(
              in.readNBytes(Integer.parseInt(headers.get("content-length"))),
              StandardCharsets.UTF_8);
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int n = Integer.parseInt(line().split(";")[0].trim(), 16);
          n > 0;
          n = Integer.parseInt(line().split(";")[0].trim(), 16)) {
        all.write(in.readNBytes(n));
        line();
      }
      line();
      body = all.toString(StandardCharsets.UTF_8);
    }
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, body);
  }

  /** Whether the peer closed the connection (reads end of stream). */
  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
