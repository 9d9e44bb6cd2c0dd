package io.palisade.node.datapath;

import io.palisade.policy.identity.CidrPrefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Finds a pod's host-side veth from its address, the way veth-based CNIs route to pods: a host
 * route (/32 or /128) without gateway through the veth. Only such a route counts, so a pod that is
 * not local (reached through a gateway or a subnet route) never names an interface, and the
 * datapath never attaches to the node's uplink. Reads the routing table of the calling thread's
 * network namespace from /proc.
 */
public final class RouteLookup {

  private static final Path IPV4 = Path.of("/proc/thread-self/net/route");
  private static final Path IPV6 = Path.of("/proc/thread-self/net/ipv6_route");

  private RouteLookup() {}

  /** The interface of the host route to {@code pod}, if there is one. */
  public static Optional<String> hostVeth(CidrPrefix pod) {
    try {
      Path table = pod.isIpv4() ? IPV4 : IPV6;
      return hostVeth(pod, Files.readString(table));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Parses {@code /proc/net/route} (IPv4) or {@code /proc/net/ipv6_route} (IPv6) text. */
  public static Optional<String> hostVeth(CidrPrefix pod, String table) {
    byte[] a = pod.address();
    for (String line : table.split("\n")) {
      String[] f = line.trim().split("\\s+");
      Optional<String> dev = pod.isIpv4() ? matchIpv4(f, a) : matchIpv6(f, a);
      if (dev.isPresent() && !dev.get().equals("lo")) {
        return dev;
      }
    }
    return Optional.empty();
  }

  /** Iface Destination Gateway Flags RefCnt Use Metric Mask ...; addresses little-endian hex. */
  private static Optional<String> matchIpv4(String[] f, byte[] a) {
    if (f.length < 8 || f[0].equals("Iface")) {
      return Optional.empty();
    }
    boolean host = f[7].equalsIgnoreCase("FFFFFFFF") && f[2].equals("00000000");
    int dest = Integer.reverseBytes((int) Long.parseLong(f[1], 16));
    int want = ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
    return host && dest == want ? Optional.of(f[0]) : Optional.empty();
  }

  /** dest plen src splen nexthop metric refcnt use flags iface; addresses big-endian hex. */
  private static Optional<String> matchIpv6(String[] f, byte[] a) {
    if (f.length < 10) {
      return Optional.empty();
    }
    boolean host = f[1].equals("80") && f[4].matches("0{32}");
    return host && f[0].equalsIgnoreCase(HexFormat.of().formatHex(a))
        ? Optional.of(f[9])
        : Optional.empty();
  }
}
