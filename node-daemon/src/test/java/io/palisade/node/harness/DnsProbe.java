package io.palisade.node.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A DNS query over UDP from inside a namespace, as a pod's resolver sends it: one A question, and
 * the answer's addresses with the address the answer came from. No answer within the timeout is a
 * verdict (empty); a socket that cannot be made is not.
 */
public final class DnsProbe {

  /** What came back: who sent it and the A records it holds. */
  public record Answer(InetSocketAddress from, List<String> addresses) {}

  private DnsProbe() {}

  public static Optional<Answer> queryA(
      NetNs from, String server, int port, String name, Duration timeout) {
    try (DatagramChannel ch = from.call(DatagramChannel::open)) {
      int id = ThreadLocalRandom.current().nextInt(1 << 16);
      ch.send(ByteBuffer.wrap(query(id, name)), new InetSocketAddress(server, port));
      ch.socket().setSoTimeout((int) timeout.toMillis());
      byte[] buf = new byte[1500];
      java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
      ch.socket().receive(p);
      return Optional.of(
          new Answer(
              (InetSocketAddress) p.getSocketAddress(),
              parse(ByteBuffer.wrap(buf, 0, p.getLength()), id)));
    } catch (SocketTimeoutException e) {
      return Optional.empty();
    } catch (IOException e) {
      // Throws unless the network answered (a refusal, an unreachable port): that is no answer.
      Probes.verdict(e, "DNS " + server + ":" + port + " from " + from.name());
      return Optional.empty();
    }
  }

  static byte[] query(int id, String name) {
    ByteBuffer b = ByteBuffer.allocate(512);
    b.putShort((short) id).putShort((short) 0x0100).putShort((short) 1);
    b.putShort((short) 0).putShort((short) 0).putShort((short) 0);
    for (String label : name.split("\\.")) {
      byte[] l = label.getBytes(StandardCharsets.US_ASCII);
      b.put((byte) l.length).put(l);
    }
    b.put((byte) 0).putShort((short) 1).putShort((short) 1);
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  /** The A records of a response to query {@code id}; throws on anything else. */
  static List<String> parse(ByteBuffer b, int id) throws IOException {
    if (Short.toUnsignedInt(b.getShort()) != id) {
      throw new IOException("a DNS response to another query");
    }
    int flags = Short.toUnsignedInt(b.getShort());
    if ((flags & 0x8000) == 0 || (flags & 0xF) != 0) {
      throw new IOException("not a successful DNS response: flags " + Integer.toHexString(flags));
    }
    int questions = Short.toUnsignedInt(b.getShort());
    int answers = Short.toUnsignedInt(b.getShort());
    b.getShort();
    b.getShort();
    for (int i = 0; i < questions; i++) {
      skipName(b);
      b.getInt();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < answers; i++) {
      skipName(b);
      int type = Short.toUnsignedInt(b.getShort());
      b.getShort();
      b.getInt();
      int len = Short.toUnsignedInt(b.getShort());
      byte[] data = new byte[len];
      b.get(data);
      if (type == 1 && len == 4) {
        out.add(InetAddress.getByAddress(data).getHostAddress());
      }
    }
    return out;
  }

  private static void skipName(ByteBuffer b) {
    while (true) {
      int len = Byte.toUnsignedInt(b.get());
      if (len == 0) {
        return;
      }
      if ((len & 0xC0) == 0xC0) {
        b.get(); // a compression pointer ends the name
        return;
      }
      b.position(b.position() + len);
    }
  }
}
