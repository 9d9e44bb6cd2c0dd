package io.palisade.node.harness;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
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
 *
 * <p>Only what the network answers is a verdict: a connection refused or reset, a timeout, a port
 * unreachable, a ping without reply. A probe that cannot run (a missing tool, no route in the pod,
 * an address the namespace cannot use) throws {@link HarnessException}, never "dropped".
 */
public final class Probes {

  private Probes() {}

  public static boolean tcp(NetNs from, String address, int port, Duration timeout) {
    try (SocketChannel ch = from.call(SocketChannel::open)) {
      ch.socket().connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
      return echoes(ch, timeout);
    } catch (IOException e) {
      return verdict(e, "TCP " + address + ":" + port + " from " + from.name());
    }
  }

  /**
   * Whether a TCP connection from {@code source}, one of {@code from}'s own addresses, to {@code
   * address}:{@code port} is made and echoes: the datapath judges the source address.
   */
  public static boolean tcpFrom(
      NetNs from, String source, String address, int port, Duration timeout) {
    try (SocketChannel ch = from.call(SocketChannel::open)) {
      ch.bind(new InetSocketAddress(source, 0));
      ch.socket().connect(new InetSocketAddress(address, port), (int) timeout.toMillis());
      return echoes(ch, timeout);
    } catch (IOException e) {
      return verdict(e, "TCP " + source + " -> " + address + ":" + port + " from " + from.name());
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
      return verdict(e, "TCP echo on " + ch);
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
    } catch (IOException e) {
      return verdict(e, "UDP " + address + ":" + port + " from " + from.name());
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
    } catch (PortUnreachableException e) {
      return true;
    } catch (IOException e) {
      return verdict(e, "UDP " + address + ":" + port + " from " + from.name());
    }
  }

  /** ping(8): exit 0 is a reply, 1 no reply; anything else (2: no route, bad address) is not. */
  public static boolean icmp(NetNs from, String address, Duration timeout) {
    long seconds = Math.max(1, timeout.toSeconds());
    Sh.Result r = from.exec("ping", "-n", "-q", "-c", "1", "-W", Long.toString(seconds), address);
    return switch (r.exit()) {
      case 0 -> true;
      case 1 -> false;
      default ->
          throw new HarnessException(
              "ping "
                  + address
                  + " from "
                  + from.name()
                  + " could not probe: exit "
                  + r.exit()
                  + ", "
                  + r.output().strip());
    };
  }

  /**
   * False for what the network said (refused, reset, timed out, unreachable port); throws for a
   * probe that could not be made.
   */
  static boolean verdict(IOException e, String probe) {
    if (e instanceof SocketTimeoutException
        || e instanceof PortUnreachableException
        || (e instanceof ConnectException c && isRefusedOrTimedOut(c.getMessage()))
        || (e instanceof SocketException s && isReset(s.getMessage()))) {
      return false;
    }
    throw new HarnessException(probe + " could not probe: " + e, e);
  }

  private static boolean isRefusedOrTimedOut(String message) {
    return message != null && (message.contains("refused") || message.contains("timed out"));
  }

  private static boolean isReset(String message) {
    return message != null && (message.contains("reset") || message.contains("Broken pipe"));
  }
}
