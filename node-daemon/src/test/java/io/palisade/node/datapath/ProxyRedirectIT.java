package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.Flow;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Sh;
import io.palisade.node.harness.TransparentListener;
import io.palisade.node.maps.Layouts;
import io.palisade.node.maps.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The redirect to the node's L7 proxy on real packets, with a transparent listener of the test's
 * own in the node namespace standing in for the proxy: a pod's egress and a pod's ingress reach it
 * with the original destination as its local address and the client pod as its peer; its own marked
 * upstream reaches the destination without a second decision or redirect; with no ready proxy the
 * flow drops; uninstall removes the routing and the helper device.
 */
class ProxyRedirectIT {

  static final String XWING = "default/xwing";
  static final String DEATHSTAR = "default/deathstar";
  static final String XWING_IP = "10.202.0.11";
  static final String DEATHSTAR_IP = "10.202.0.12";
  static final int INGRESS_PROXY = 15080;
  static final int EGRESS_PROXY = 15081;
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  /** Port 80 of the deathstar has L7 rules on its ingress, 8080 of it on the xwing's egress. */
  static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: deathstar-l7, namespace: default}
      spec:
        endpointSelector: {matchLabels: {class: deathstar}}
        ingress:
          - fromEndpoints: [{matchLabels: {class: xwing}}]
            toPorts:
              - ports: [{port: "80", protocol: TCP}]
                rules:
                  http: [{method: POST, path: /v1/request-landing}]
          - fromEndpoints: [{matchLabels: {class: xwing}}]
            toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: xwing-l7, namespace: default}
      spec:
        endpointSelector: {matchLabels: {class: xwing}}
        egress:
          - toEndpoints: [{matchLabels: {class: deathstar}}]
            toPorts:
              - ports: [{port: "8080", protocol: TCP}]
                rules:
                  http: [{method: GET}]
          - toEndpoints: [{matchLabels: {class: deathstar}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
      """;

  @Test
  void redirectedFlowsReachTheProxyWithTheirOriginalDestinationAndFailClosedWithout() {
    Privileges.requireRoot();
    String hostRulesBefore = Sh.must("ip", "rule", "show") + Sh.must("ip", "-6", "rule", "show");
    try (DatapathFixture node =
        new DatapathFixture(
            List.of(
                new PodSpec("default", "xwing", Map.of("class", "xwing"), XWING_IP),
                new PodSpec("default", "deathstar", Map.of("class", "deathstar"), DEATHSTAR_IP)),
            List.of())) {
      assertTimeoutPreemptively(Duration.ofSeconds(120), () -> scenario(node));
    }
    assertThat(Sh.must("ip", "rule", "show") + Sh.must("ip", "-6", "rule", "show"))
        .as("the machine's own rules are untouched")
        .isEqualTo(hostRulesBefore);
  }

  private void scenario(DatapathFixture node) throws IOException {
    NetNs ns = node.topology().node();
    NetNs xwing = node.topology().pod(XWING).netns();
    Datapath dp = node.datapath();
    node.enforce(POLICY);
    ns.call(
        () -> {
          dp.enableProxyRedirect();
          return null;
        });
    assertThat(ns.ip("rule", "show")).contains("9:\tfrom all fwmark 0x200/0xf00 lookup 2004");
    assertThat(ns.ip("-6", "rule", "show")).contains("fwmark 0x200/0xf00 lookup 2004");
    assertThat(ns.ip("route", "show", "table", "2004")).contains("local default dev lo");
    assertThat(ns.ip("link", "show", ProxyRouting.HELPER)).contains("UP");

    // No proxy is ready: both redirects fail closed, while the plain allows pass.
    long unavailable = count(dp, Layouts.DIR_INGRESS, Reason.DROP_PROXY_UNAVAILABLE);
    assertThat(Probes.tcp(xwing, DEATHSTAR_IP, 80, TIMEOUT)).as("ingress L7, no proxy").isFalse();
    assertThat(Probes.tcp(xwing, DEATHSTAR_IP, 8080, TIMEOUT)).as("egress L7, no proxy").isFalse();
    assertThat(count(dp, Layouts.DIR_INGRESS, Reason.DROP_PROXY_UNAVAILABLE))
        .isGreaterThan(unavailable);

    try (TransparentListener proxy = TransparentListener.start(ns, INGRESS_PROXY, EGRESS_PROXY)) {
      // Listening, but not ready: still dropped.
      assertThat(Probes.tcp(xwing, DEATHSTAR_IP, 80, TIMEOUT)).as("not ready yet").isFalse();

      dp.readyProxyPorts(Set.of(INGRESS_PROXY, EGRESS_PROXY));
      assertThat(dp.readyProxyPorts()).containsExactly(INGRESS_PROXY, EGRESS_PROXY);
      long proxiedIn = count(dp, Layouts.DIR_INGRESS, Reason.FWD_PROXY);
      long proxiedOut = count(dp, Layouts.DIR_EGRESS, Reason.FWD_PROXY);

      // The deathstar's ingress: the proxy sees the deathstar as its local address.
      List<String> in;
      try {
        in = converse(xwing, DEATHSTAR_IP, 80, "relay");
      } catch (IOException e) {
        System.err.println("DIAG counters " + dumpCounters(dp));
        System.err.println("DIAG ss " + ns.exec("ss", "-tanoei").output());
        System.err.println("DIAG ssx " + xwing.exec("ss", "-tanoei").output());
        throw e;
      }
      assertThat(in.get(0)).matches("local " + DEATHSTAR_IP + ":80 peer " + XWING_IP + ":\\d+");
      assertThat(in.get(1))
          .as("the proxy's marked upstream reaches the deathstar's port 80, not the proxy again")
          .isEqualTo("relayed ping");

      // The xwing's egress: the same, through the socket assigned on the veth's ingress.
      List<String> out = converse(xwing, DEATHSTAR_IP, 8080, "relay");
      assertThat(out.get(0)).matches("local " + DEATHSTAR_IP + ":8080 peer " + XWING_IP + ":\\d+");
      assertThat(out.get(1)).isEqualTo("relayed ping");

      assertThat(count(dp, Layouts.DIR_INGRESS, Reason.FWD_PROXY)).isGreaterThan(proxiedIn);
      assertThat(count(dp, Layouts.DIR_EGRESS, Reason.FWD_PROXY)).isGreaterThan(proxiedOut);

      // The ingress port's proxy stops being ready: its flows drop again, the egress one goes on.
      dp.readyProxyPorts(Set.of(EGRESS_PROXY));
      assertThat(Probes.tcp(xwing, DEATHSTAR_IP, 80, TIMEOUT)).as("no longer ready").isFalse();
      assertThat(converse(xwing, DEATHSTAR_IP, 8080, "hello").get(0)).startsWith("local ");
    }
    // Ready, but the proxy's socket is gone: dropped, never sent on unfiltered.
    assertThat(Probes.tcp(xwing, DEATHSTAR_IP, 8080, TIMEOUT)).as("proxy gone").isFalse();
    assertThat(node.reachable(Flow.tcp(XWING, DEATHSTAR, 9000))).as("no rule for 9000").isFalse();

    Uninstall.Report report =
        ns.call(() -> Uninstall.run(node.pinRoot(), Path.of("/nonexistent/state"), false));
    assertThat(report.routing())
        .anyMatch(l -> l.contains("IPv4 rule pref 9"))
        .anyMatch(l -> l.contains("IPv6 rule pref 9"))
        .anyMatch(l -> l.contains(ProxyRouting.HELPER));
    assertThat(ns.ip("rule", "show")).doesNotContain("2004");
    assertThat(ns.ip("-6", "rule", "show")).doesNotContain("2004");
    assertThat(ns.ip("link", "show")).doesNotContain(ProxyRouting.HELPER);
    assertThat(
            ns.call(
                    () ->
                        java.nio.file.Files.readString(
                            Path.of("/proc/sys/net/ipv4/tcp_early_demux")))
                .strip())
        .isEqualTo("1");
  }

  /** Connects from {@code pod}, reads the proxy's first line, sends {@code say}, reads one more. */
  private static List<String> converse(NetNs pod, String address, int port, String say)
      throws IOException {
    try (SocketChannel ch = Probes.open(pod, address, port, TIMEOUT)) {
      ch.socket().setSoTimeout((int) TIMEOUT.toMillis() * 2);
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(ch.socket().getInputStream(), StandardCharsets.US_ASCII));
      String first = r.readLine();
      ch.socket().getOutputStream().write((say + "\n").getBytes(StandardCharsets.US_ASCII));
      String second = say.equals("relay") ? r.readLine() : "";
      return List.of(String.valueOf(first), String.valueOf(second));
    }
  }

  private static String dumpCounters(Datapath dp) {
    StringBuilder sb = new StringBuilder();
    dp.verdictCounters()
        .forEach(
            (k, v) -> {
              if (v[0] > 0) sb.append(k).append('=').append(v[0]).append(' ');
            });
    return sb.toString();
  }

  private static long count(Datapath dp, int direction, Reason reason) {
    long[] c = dp.verdictCounters().get(direction * Layouts.COUNTER_SLOTS + reason.slot());
    return c == null ? 0 : c[0];
  }
}
