package io.palisade.node.fqdn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.DatapathApplier;
import io.palisade.node.datapath.EmbeddedNodeProxy;
import io.palisade.node.datapath.ProxyRouting;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.Dnsmasq;
import io.palisade.node.harness.EchoServers;
import io.palisade.node.harness.FileModePipeline;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Tools;
import io.palisade.node.harness.Topology;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code rules.dns} and {@code toFQDNs} on real packets: a client pod whose resolver is Debian's
 * dnsmasq on the outside host, behind the datapath's redirect to the node daemon's DNS proxy. An
 * allowed name is answered and its address connected to at once; a name the DNS rules refuse is
 * REFUSED; an address no toFQDNs answer gave is dropped; a restarted proxy keeps what it learned;
 * an address whose TTL (raised to a two-second minimum) ran out is dropped again.
 */
class FqdnIT {

  static final String CLIENT = "10.42.0.11";
  static final String RESOLVER = Topology.OUTSIDE_UPLINK;
  static final String API = "10.99.0.1";
  static final String OTHER = "10.99.0.2";
  static final String SHORT = "10.99.0.5";
  static final int PORT = 8080;
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  static final String POLICY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: fqdn, namespace: default}
      spec:
        endpointSelector: {matchLabels: {app: client}}
        egress:
        - toCIDR: [192.168.250.2/32]
          toPorts:
          - ports: [{port: "53", protocol: ANY}]
            rules:
              dns:
              - matchPattern: "*.example.com"
        - toFQDNs: [{matchName: api.example.com}, {matchPattern: "short.example.*"}]
          toPorts:
          - ports: [{port: "8080", protocol: TCP}]
      """;

  @Test
  void namesBecomeAddressesBeforeTheAnswerAndGoWhenTheirTimeIsUp() throws Exception {
    Privileges.requireRoot();
    Tools.require("dnsmasq");
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    Path state = Files.createTempDirectory("palisade-fqdn").resolve("fqdn-cache.tsv");
    try (BpfFsGuard bpfFs = new BpfFsGuard();
        Topology t =
            Topology.create(
                run,
                List.of(new PodSpec("default", "client", Map.of("app", "client"), CLIENT)),
                List.of(API, OTHER, SHORT));
        EchoServers servers = EchoServers.start(t.outside(), List.of(PORT), List.of());
        Dnsmasq dns =
            Dnsmasq.start(
                t.outside(),
                53,
                1,
                Map.of(
                    "api.example.com", API,
                    "other.example.com", OTHER,
                    "short.example.com", SHORT,
                    "evil.example.net", "10.99.0.3"))) {
      try {
        assertTimeoutPreemptively(Duration.ofSeconds(180), () -> scenario(t, pins, state));
      } finally {
        t.node().call(() -> ProxyRouting.uninstall(false));
        Datapath.unpinAll(pins);
        Files.deleteIfExists(state);
        Files.deleteIfExists(state.resolveSibling(state.getFileName() + ".tmp"));
        Files.deleteIfExists(state.getParent());
      }
    }
  }

  private void scenario(Topology t, Path pins, Path state) throws Exception {
    NetNs client = t.pod("default/client").netns();
    try (Node node =
        Node.start(t, pins, new FqdnOptions(Duration.ofSeconds(600), Optional.of(state)))) {
      assertThat(node.datapath.readyProxyPorts()).contains(DnsNodeProxy.PORT);
      assertThat(Probes.tcp(client, API, PORT, TIMEOUT)).as("before any answer").isFalse();

      Message api = query(client, "api.example.com");
      assertThat(Rcode.string(api.getRcode())).isEqualTo("NOERROR");
      assertThat(addresses(api)).containsExactly(API);
      // The very first connection after the answer: the address was written before it left.
      assertThat(Probes.tcp(client, API, PORT, TIMEOUT)).as("the first connection").isTrue();

      Message other = query(client, "other.example.com");
      assertThat(addresses(other)).as("the DNS rules allow the name").containsExactly(OTHER);
      assertThat(Probes.tcp(client, OTHER, PORT, TIMEOUT))
          .as("an address no toFQDNs selector was given")
          .isFalse();

      Message evil = query(client, "evil.example.net");
      assertThat(Rcode.string(evil.getRcode())).isEqualTo("REFUSED");
      assertThat(evil.getSection(Section.ANSWER)).isEmpty();
      assertThat(node.proxy.dnsCounts().refused()).isEqualTo(1);
    }
    assertThat(Files.readString(state)).contains("matchName=api.example.com.\t" + API + "\t");

    // A restarted daemon reads what it learned back, and the address stays reachable unasked.
    try (Node node =
        Node.start(t, pins, new FqdnOptions(Duration.ofSeconds(2), Optional.of(state)))) {
      assertThat(Probes.tcp(client, API, PORT, TIMEOUT)).as("after a restart").isTrue();

      Message shortLived = query(client, "short.example.com");
      assertThat(addresses(shortLived)).containsExactly(SHORT);
      assertThat(Probes.tcp(client, SHORT, PORT, TIMEOUT)).as("a one-second answer").isTrue();
      // dnsmasq answers with TTL 1, raised to the two-second minimum; then it goes.
      while (Probes.tcp(client, SHORT, PORT, Duration.ofSeconds(1))) {
        TimeUnit.MILLISECONDS.sleep(500);
      }
      assertThat(node.proxy.learnedIpcache()).doesNotContainKey(SHORT + "/32");
      assertThat(Probes.tcp(client, API, PORT, TIMEOUT)).as("the longer-lived one stays").isTrue();
    }
  }

  /** The node daemon's parts, as the daemon starts them: datapath, proxy, applier, pipeline. */
  private record Node(Datapath datapath, EmbeddedNodeProxy proxy) implements AutoCloseable {
    static Node start(Topology t, Path pins, FqdnOptions fqdn) throws IOException {
      Datapath dp = t.node().call(() -> Datapath.open(pins));
      EmbeddedNodeProxy proxy;
      try {
        proxy =
            t.node()
                .call(
                    () -> {
                      dp.enableProxyRedirect();
                      return EmbeddedNodeProxy.start(fqdn);
                    });
      } catch (RuntimeException e) {
        dp.close();
        throw e;
      }
      DatapathApplier applier = new DatapathApplier(dp, "local", t.finder()).withProxy(proxy);
      LocalPipeline pipeline =
          FileModePipeline.of(
              applier, "test", new PolicyLoader().load("fqdn.yaml", POLICY), t.clusterYaml());
      t.node().call(pipeline::run);
      assertThat(applier.pending()).isEmpty();
      return new Node(dp, proxy);
    }

    @Override
    public void close() {
      proxy.close();
      datapath.close();
    }
  }

  /** One A query over UDP from the pod to its resolver, as its stub resolver sends it. */
  static Message query(NetNs from, String name) throws IOException {
    try (DatagramChannel ch = from.call(DatagramChannel::open)) {
      Message q = Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, 1));
      ch.send(ByteBuffer.wrap(q.toWire()), new InetSocketAddress(RESOLVER, 53));
      ch.socket().setSoTimeout((int) TIMEOUT.toMillis());
      byte[] buf = new byte[1500];
      java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
      try {
        ch.socket().receive(p);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("no answer to " + name + " within " + TIMEOUT, e);
      }
      assertThat(p.getSocketAddress())
          .as("the answer comes from the resolver asked")
          .isEqualTo(new InetSocketAddress(RESOLVER, 53));
      Message m = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
      assertThat(m.getHeader().getID()).isEqualTo(q.getHeader().getID());
      return m;
    }
  }

  static List<String> addresses(Message m) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(Section.ANSWER)) {
      if (r instanceof ARecord a) {
        out.add(a.getAddress().getHostAddress());
      }
    }
    return out;
  }
}
