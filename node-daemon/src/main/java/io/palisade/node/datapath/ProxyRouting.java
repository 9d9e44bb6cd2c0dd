package io.palisade.node.datapath;

import io.palisade.node.bpf.Libc;
import io.palisade.node.bpf.TcAttachment;
import io.palisade.node.maps.Layouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the node needs so that the datapath can hand a flow to the L7 proxy: a policy-routing rule
 * (pref {@value Layouts#PROXY_RULE_PREF}, {@code fwmark 0x200/0xf00}) into table {@value
 * Layouts#PROXY_TABLE}, which holds {@code local 0.0.0.0/0 dev lo} and {@code local ::/0 dev lo},
 * so that a marked packet to any address is delivered to the socket the programs assigned (Cilium's
 * pref 9 and table 2004); and the helper veth pair {@value #HELPER}/{@value #HELPER_PEER}, whose tc
 * ingress carries {@code palisade_to_proxy}: the pod's ingress runs on a tc egress hook, where
 * {@code bpf_sk_assign} is refused, so those packets are redirected into the helper's ingress.
 * Everything acts in the calling thread's network namespace ({@code ip} inherits it), as the rest
 * of the datapath does.
 */
public final class ProxyRouting {

  /** The helper device that pod-ingress redirects enter through. */
  public static final String HELPER = "pal_proxy";

  /** The helper's veth peer, which nothing uses; a veth because not every kernel has dummy. */
  public static final String HELPER_PEER = "pal_proxy_peer";

  private static final String EARLY_DEMUX = "net/ipv4/tcp_early_demux";

  private static final String MARK =
      "0x"
          + Integer.toHexString(Layouts.MARK_TO_PROXY)
          + "/0x"
          + Integer.toHexString(Layouts.MARK_MAGIC_MASK);
  private static final String TABLE = Integer.toString(Layouts.PROXY_TABLE);
  private static final String PREF = Integer.toString(Layouts.PROXY_RULE_PREF);

  private ProxyRouting() {}

  /**
   * Installs the rule, the table and the helper (each only when missing, so a restarted daemon
   * changes nothing), attaches {@code toProxyProgram} to the helper's tc ingress, and returns the
   * helper's ifindex, which the ready-port entries carry.
   */
  public static int install(int toProxyProgram) {
    for (String family : List.of("-4", "-6")) {
      if (!ip(family, "rule", "show", "pref", PREF).contains("lookup " + TABLE)) {
        mustIp(family, "rule", "add", "pref", PREF, "fwmark", MARK, "lookup", TABLE);
      }
      String any = family.equals("-4") ? "0.0.0.0/0" : "::/0";
      mustIp(family, "route", "replace", "local", any, "dev", "lo", "table", TABLE);
    }
    if (Libc.ifIndexOf(HELPER).isEmpty()) {
      mustIp("link", "add", HELPER, "type", "veth", "peer", "name", HELPER_PEER);
    }
    mustIp("link", "set", HELPER_PEER, "up");
    mustIp("link", "set", HELPER, "up");
    // The redirected packets keep their source, which is not reached through the helper.
    writeSysctl("net/ipv4/conf/" + HELPER + "/rp_filter", "0");
    // Early demux would find the proxy's socket for a packet the node forwards towards a pod (the
    // socket has the pod's address), and the kernel drops a forwarded packet that carries a socket
    // before the pod's tc hook could redirect it: pod-ingress redirects need it off.
    writeSysctl(EARLY_DEMUX, "0");
    int ifindex = Libc.ifNameToIndex(HELPER);
    TcAttachment.attach(ifindex, TcAttachment.Hook.INGRESS, toProxyProgram);
    return ifindex;
  }

  /** Whether the helper exists with the programs attached, in the calling thread's namespace. */
  public static Optional<Integer> helper() {
    return Libc.ifIndexOf(HELPER);
  }

  /**
   * Removes the rules, the table's routes and the helper pair; returns what it removed (with {@code
   * dryRun}, what it would remove), one line each.
   */
  public static List<String> uninstall(boolean dryRun) {
    List<String> removed = new ArrayList<>();
    String verb = dryRun ? "would remove " : "removed ";
    for (String family : List.of("-4", "-6")) {
      String v = family.equals("-4") ? "IPv4" : "IPv6";
      while (ip(family, "rule", "show", "pref", PREF).contains("lookup " + TABLE)) {
        removed.add(verb + v + " rule pref " + PREF + " fwmark " + MARK + " lookup " + TABLE);
        if (dryRun) {
          break;
        }
        mustIp(family, "rule", "del", "pref", PREF, "fwmark", MARK, "lookup", TABLE);
      }
      if (!ip(family, "route", "show", "table", TABLE).isBlank()) {
        removed.add(verb + v + " routes of table " + TABLE);
        if (!dryRun) {
          mustIp(family, "route", "flush", "table", TABLE);
        }
      }
    }
    if (Libc.ifIndexOf(HELPER).isPresent()) {
      removed.add(verb + "the proxy helper device " + HELPER + " (and " + HELPER_PEER + ")");
      if (!dryRun) {
        mustIp("link", "del", HELPER);
      }
      if (readSysctl(EARLY_DEMUX).equals("0")) {
        removed.add(
            (dryRun ? "would set " : "set ")
                + "net.ipv4.tcp_early_demux back to 1 (the kernel's default)");
        if (!dryRun) {
          writeSysctl(EARLY_DEMUX, "1");
        }
      }
    }
    return removed;
  }

  private static String readSysctl(String key) {
    try {
      return Files.readString(Path.of("/proc/sys", key)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + key.replace('/', '.'), e);
    }
  }

  private static void writeSysctl(String key, String value) {
    try {
      Files.writeString(Path.of("/proc/sys", key), value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set " + key.replace('/', '.'), e);
    }
  }

  /** Runs {@code ip ARGS}; its output, or empty when it failed (a query of what is not there). */
  private static String ip(String... args) {
    Result r = run(args);
    return r.exit == 0 ? r.output : "";
  }

  private static void mustIp(String... args) {
    Result r = run(args);
    if (r.exit != 0) {
      throw new IllegalStateException(
          "ip " + String.join(" ", args) + " failed (exit " + r.exit + "): " + r.output.strip());
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("ip");
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(p.waitFor(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot run ip (iproute2), which sets up the proxy's policy routing", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running ip", e);
    }
  }
}
