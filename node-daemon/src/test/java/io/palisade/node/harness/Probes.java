package io.palisade.node.harness;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Real reachability: a TCP connection that echoes, a UDP datagram that comes back, an ICMP echo
 * that is answered. Sockets are created on the source namespace's thread (so they belong to it) and
 * then used from the caller's thread, so probes run in parallel.
 */
public final class Probes {

  private Probes() {}

  public static boolean tcp(NetNs from, String address, int port, Duration timeout) {
    try (SocketChannel ch = from.call(SocketChannel::open)) {
      ch.socket().connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
      return echoes(ch, timeout);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether an already open connection still carries data both ways. */
  public static boolean echoes(SocketChannel ch, Duration timeout) {
    try {
      ch.socket().setSoTimeout((int) timeout.toMillis());
      ch.socket().getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
      byte[] buf = new byte[5];
      int n = 0;
      var in = ch.socket().getInputStream();
      while (n < buf.length) {
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return false;
        }
        n += r;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Opens a connection for a test that keeps it; throws when it cannot be made. */
  public static SocketChannel open(NetNs from, String address, int port, Duration timeout)
      throws IOException {
    SocketChannel ch = from.call(SocketChannel::open);
    ch.socket().connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
    return ch;
  }

  public static boolean udp(NetNs from, String address, int port, Duration timeout) {
    try (DatagramChannel ch = from.call(DatagramChannel::open)) {
      ch.connect(new InetSocketAddress(address, port));
      ch.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
      ch.socket().setSoTimeout((int) timeout.toMillis());
      DatagramPacket p = new DatagramPacket(new byte[64], 64);
      ch.socket().receive(p);
      return p.getLength() == 4;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether a datagram to a port nobody listens on comes back as "port unreachable" (the ICMP error
   * reached the sender) rather than as silence.
   */
  public static boolean udpRefused(NetNs from, String address, int port, Duration timeout) {
    try (DatagramChannel ch = from.call(DatagramChannel::open)) {
      ch.connect(new InetSocketAddress(address, port));
      ch.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
      ch.socket().setSoTimeout((int) timeout.toMillis());
      ch.socket().receive(new DatagramPacket(new byte[64], 64));
      return false;
    } catch (java.net.PortUnreachableException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public static boolean icmp(NetNs from, String address, Duration timeout) {
    long seconds = Math.max(1, timeout.toSeconds());
    return from.exec("ping", "-n", "-q", "-c", "1", "-W", Long.toString(seconds), address).ok();
  }
}
