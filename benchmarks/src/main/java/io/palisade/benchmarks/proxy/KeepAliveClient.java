package io.palisade.benchmarks.proxy;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 keep-alive connection sending the same request again and again and reading each
 * response to its last byte; as little client work as possible, so the figures are the server
 * side's. Fails loudly on anything but the expected status.
 */
final class KeepAliveClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] request;
  private final int expectedStatus;

  KeepAliveClient(String source, InetSocketAddress target, String method, String path, int status)
      throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.setSoTimeout(10_000);
    socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
    socket.connect(target, 5_000);
    in = new BufferedInputStream(socket.getInputStream(), 8192);
    out = socket.getOutputStream();
    request =
        (method + " " + path + " HTTP/1.1\r\nHost: deathstar\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    expectedStatus = status;
  }

  int localPort() {
    return socket.getLocalPort();
  }

  /** One request and its whole response. */
  void exchange() throws IOException {
    out.write(request);
    out.flush();
    String status = line();
    int code = Integer.parseInt(status.substring(9, 12));
    if (code != expectedStatus) {
      throw new IOException("expected " + expectedStatus + ", got: " + status);
    }
    int length = -1;
    for (String l = line(); !l.isEmpty(); l = line()) {
      if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(l.substring(15).trim());
      }
    }
    if (length < 0) {
      throw new IOException("a response without Content-Length");
    }
    in.skipNBytes(length);
  }

  private String line() throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed mid-response");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
