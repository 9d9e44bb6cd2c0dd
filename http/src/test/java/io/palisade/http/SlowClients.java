package io.palisade.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw sockets that each send {@code GET PATH HTTP/1.1\r\nHost: x\r\n} and never the final empty
 * line: the request a server without read timeouts waits on forever.
 */
public final class SlowClients implements AutoCloseable {

  private final List<Socket> sockets = new ArrayList<>();

  /** Opens {@code count} connections to {@code server}, each with its unfinished request sent. */
  public static SlowClients open(InetSocketAddress server, String path, int count)
      throws IOException {
    SlowClients clients = new SlowClients();
    for (int i = 0; i < count; i++) {
      Socket s = new Socket();
      clients.sockets.add(s);
      s.connect(server, 2000);
      s.getOutputStream()
          .write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n").getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    }
    return clients;
  }

  /** How many of the connections the server has not closed yet (checked without waiting long). */
  public int stillOpen() throws IOException {
    int open = 0;
    for (Socket s : sockets) {
      if (!closedByServer(s, Duration.ofMillis(20))) {
        open++;
      }
    }
    return open;
  }

  /**
   * Waits up to {@code limit} for the server to close every connection; returns how long that took,
   * or throws when one is still open after {@code limit}.
   */
  public Duration awaitAllClosed(Duration limit) throws IOException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    for (Socket s : sockets) {
      while (!closedByServer(s, Duration.ofMillis(100))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("a slow client is still connected after " + limit);
        }
      }
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Whether the server closed {@code s}: end of stream, or a reset. */
  private static boolean closedByServer(Socket s, Duration wait) throws IOException {
    s.setSoTimeout((int) wait.toMillis());
    try {
      InputStream in = s.getInputStream();
      int b = in.read();
      if (b < 0) {
        return true;
      }
      // An error page (408) may come before the close: skip it, the close is what counts.
      in.skip(in.available());
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  @Override
  public void close() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
  }
}
