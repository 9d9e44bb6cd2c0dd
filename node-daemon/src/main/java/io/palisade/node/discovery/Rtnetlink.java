package io.palisade.node.discovery;

import io.palisade.node.bpf.BpfException;
import io.palisade.node.bpf.NetlinkSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Reads the kernel's link, neighbour and bridge forwarding tables over rtnetlink, as {@code ip
 * link}, {@code ip neigh} and {@code bridge fdb} do, in the calling thread's network namespace. The
 * wire layouts ({@code nlmsghdr}, {@code ifinfomsg}, {@code ndmsg}, {@code rtattr}) have their one
 * home here.
 */
public final class Rtnetlink {

  /** A network interface: what discovery needs to tell a pod's veth from anything else. */
  public record Link(
      int ifindex, String name, String kind, int master, int peerIfindex, OptionalInt peerNetnsId) {

    public boolean isVeth() {
      return kind.equals("veth");
    }

    public boolean isBridge() {
      return kind.equals("bridge");
    }
  }

  /** An entry of the neighbour table: an IP address on a device and its link-layer address. */
  public record Neighbour(byte[] address, int ifindex, String mac, int state) {
    /** Whether the kernel has (or had) a link-layer address for it, not a failed resolution. */
    public boolean resolved() {
      return !mac.isEmpty() && (state & (NUD_INCOMPLETE | NUD_FAILED)) == 0;
    }
  }

  /** A bridge forwarding entry: a MAC address learned (or set) on a port of a bridge. */
  public record FdbEntry(String mac, int port, int bridge, int state, int flags) {
    /** Learned from or set for a port, not the port's own address nor a device's own table. */
    public boolean isPortEntry() {
      return (state & NUD_PERMANENT) == 0 && (flags & NTF_SELF) == 0 && bridge != 0;
    }
  }

  static final int NUD_INCOMPLETE = 0x01;
  static final int NUD_FAILED = 0x20;
  static final int NUD_PERMANENT = 0x80;
  static final int NTF_SELF = 0x02;

  private static final short NLMSG_ERROR = 2;
  private static final short NLMSG_DONE = 3;
  private static final short RTM_GETLINK = 18;
  private static final short RTM_GETNEIGH = 30;
  private static final short NLM_F_REQUEST = 0x1;
  private static final short NLM_F_DUMP = 0x300;
  private static final int NLMSG_HDRLEN = 16;
  private static final int IFINFOMSG_LEN = 16;
  private static final int NDMSG_LEN = 12;

  private static final int AF_UNSPEC = 0;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int AF_BRIDGE = 7;

  private static final int IFLA_IFNAME = 3;
  private static final int IFLA_LINK = 5;
  private static final int IFLA_MASTER = 10;
  private static final int IFLA_LINKINFO = 18;
  private static final int IFLA_INFO_KIND = 1;
  private static final int IFLA_LINK_NETNSID = 37;
  private static final int NDA_DST = 1;
  private static final int NDA_LLADDR = 2;
  private static final int NDA_MASTER = 9;

  private Rtnetlink() {}

  /** Every link of the calling thread's network namespace. */
  public static List<Link> links() {
    List<Link> out = new ArrayList<>();
    dump(RTM_GETLINK, AF_UNSPEC, IFINFOMSG_LEN, m -> out.add(link(m)));
    return out;
  }

  /** The IPv4 and IPv6 neighbour tables. */
  public static List<Neighbour> neighbours() {
    List<Neighbour> out = new ArrayList<>();
    for (int family : new int[] {AF_INET, AF_INET6}) {
      dump(RTM_GETNEIGH, family, NDMSG_LEN, m -> neighbour(m).ifPresent(out::add));
    }
    return out;
  }

  /** The forwarding entries of every bridge (and of devices with their own tables). */
  public static List<FdbEntry> fdb() {
    List<FdbEntry> out = new ArrayList<>();
    dump(RTM_GETNEIGH, AF_BRIDGE, NDMSG_LEN, m -> fdbEntry(m).ifPresent(out::add));
    return out;
  }

  /** Sends one dump request and hands each reply message's payload to {@code each}. */
  private static void dump(short type, int family, int headerLength, Consumer<ByteBuffer> each) {
    ByteBuffer req =
        ByteBuffer.allocate(NLMSG_HDRLEN + headerLength).order(ByteOrder.nativeOrder());
    req.putInt(NLMSG_HDRLEN + headerLength).putShort(type);
    req.putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(1).putInt(0);
    req.put((byte) family);
    try (NetlinkSocket socket = NetlinkSocket.openRoute()) {
      socket.send(req.array());
      while (true) {
        ByteBuffer datagram = socket.receive();
        while (datagram.remaining() >= NLMSG_HDRLEN) {
          int start = datagram.position();
          int length = datagram.getInt(start);
          short kind = datagram.getShort(start + 4);
          if (length < NLMSG_HDRLEN || start + length > datagram.limit()) {
            throw new IllegalStateException(
                "rtnetlink: a truncated message of " + length + " bytes");
          }
          if (kind == NLMSG_DONE) {
            return;
          }
          if (kind == NLMSG_ERROR) {
            int errno = -datagram.getInt(start + NLMSG_HDRLEN);
            if (errno != 0) {
              throw new BpfException("rtnetlink dump " + type + "/" + family, errno);
            }
          } else {
            each.accept(
                datagram
                    .slice(start + NLMSG_HDRLEN, length - NLMSG_HDRLEN)
                    .order(datagram.order()));
          }
          datagram.position(Math.min(datagram.limit(), start + align(length)));
        }
      }
    }
  }

  private static Link link(ByteBuffer m) {
    int ifindex = m.getInt(4);
    String name = "";
    String kind = "";
    int master = 0;
    int peer = 0;
    OptionalInt netnsId = OptionalInt.empty();
    for (int off = IFINFOMSG_LEN; off + 4 <= m.limit(); ) {
      int len = Short.toUnsignedInt(m.getShort(off));
      int type = m.getShort(off + 2) & 0x3FFF;
      if (len < 4) {
        break;
      }
      ByteBuffer v = m.slice(off + 4, Math.min(len, m.limit() - off) - 4).order(m.order());
      switch (type) {
        case IFLA_IFNAME -> name = string(v);
        case IFLA_LINK -> peer = v.getInt(0);
        case IFLA_MASTER -> master = v.getInt(0);
        case IFLA_LINK_NETNSID -> netnsId = OptionalInt.of(v.getInt(0));
        case IFLA_LINKINFO -> kind = linkKind(v);
        default -> {}
      }
      off += align(len);
    }
    return new Link(ifindex, name, kind, master, peer, netnsId);
  }

  private static String linkKind(ByteBuffer info) {
    for (int off = 0; off + 4 <= info.limit(); ) {
      int len = Short.toUnsignedInt(info.getShort(off));
      if (len < 4) {
        break;
      }
      if ((info.getShort(off + 2) & 0x3FFF) == IFLA_INFO_KIND) {
        return string(info.slice(off + 4, len - 4));
      }
      off += align(len);
    }
    return "";
  }

  private static Optional<Neighbour> neighbour(ByteBuffer m) {
    int ifindex = m.getInt(4);
    int state = Short.toUnsignedInt(m.getShort(8));
    byte[] dst = null;
    String mac = "";
    for (int off = NDMSG_LEN; off + 4 <= m.limit(); ) {
      int len = Short.toUnsignedInt(m.getShort(off));
      if (len < 4) {
        break;
      }
      int type = m.getShort(off + 2) & 0x3FFF;
      if (type == NDA_DST) {
        dst = bytes(m, off + 4, len - 4);
      } else if (type == NDA_LLADDR) {
        mac = mac(bytes(m, off + 4, len - 4));
      }
      off += align(len);
    }
    return dst == null ? Optional.empty() : Optional.of(new Neighbour(dst, ifindex, mac, state));
  }

  private static Optional<FdbEntry> fdbEntry(ByteBuffer m) {
    int port = m.getInt(4);
    int state = Short.toUnsignedInt(m.getShort(8));
    int flags = Byte.toUnsignedInt(m.get(10));
    String mac = "";
    int bridge = 0;
    for (int off = NDMSG_LEN; off + 4 <= m.limit(); ) {
      int len = Short.toUnsignedInt(m.getShort(off));
      if (len < 4) {
        break;
      }
      int type = m.getShort(off + 2) & 0x3FFF;
      if (type == NDA_LLADDR) {
        mac = mac(bytes(m, off + 4, len - 4));
      } else if (type == NDA_MASTER) {
        bridge = m.getInt(off + 4);
      }
      off += align(len);
    }
    return mac.isEmpty()
        ? Optional.empty()
        : Optional.of(new FdbEntry(mac, port, bridge, state, flags));
  }

  private static byte[] bytes(ByteBuffer m, int off, int len) {
    byte[] out = new byte[len];
    m.get(off, out);
    return out;
  }

  private static String string(ByteBuffer v) {
    byte[] b = new byte[v.limit()];
    v.get(0, b);
    int end = 0;
    while (end < b.length && b[end] != 0) {
      end++;
    }
    return new String(b, 0, end, StandardCharsets.US_ASCII);
  }

  static String mac(byte[] b) {
    return HexFormat.ofDelimiter(":").formatHex(b);
  }

  private static int align(int length) {
    return (length + 3) & ~3;
  }
}
