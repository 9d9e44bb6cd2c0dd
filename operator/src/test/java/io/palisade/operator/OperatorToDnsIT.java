package io.palisade.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.node.datapath.Datapath;
import io.palisade.node.datapath.EmbeddedNodeProxy;
import io.palisade.node.datapath.ProxyRouting;
import io.palisade.node.discovery.Placement;
import io.palisade.node.fqdn.DnsNodeProxy;
import io.palisade.node.fqdn.FqdnOptions;
import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.DnsProbe;
import io.palisade.node.harness.Dnsmasq;
import io.palisade.node.harness.EchoServers;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Tools;
import io.palisade.node.harness.Topology;
import io.palisade.node.stream.NodeStateClient;
import io.palisade.node.stream.NodeStreamDaemon;
import io.palisade.operator.status.PolicyConditions;
import io.palisade.pipeline.L7Proxy;
import io.palisade.policy.identity.CidrPrefix;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code rules.dns} and {@code toFQDNs} fed by the operator: the policy created through the (mock)
 * API server goes through the reconciler, pipeline and node-state server to a stream-mode daemon
 * ({@link NodeStateClient} announcing its embedded proxy, applying through {@link
 * NodeStreamDaemon#applier}), whose DNS proxy takes the pod's queries to dnsmasq on the outside
 * host. No connection before an answer; the first one after it passes; an address the DNS rules
 * allow but no {@code toFQDNs} selects stays dropped; the policy's status says L7 on 1/1 proxy.
 * Needs root and dnsmasq (skipped with a message otherwise).
 */
@EnableKubernetesMockClient(crud = true)
class OperatorToDnsIT {

  private static final String NODE = "node-a";
  private static final String CLIENT_IP = "10.42.0.11";
  private static final String API = "10.99.0.1";
  private static final String OTHER = "10.99.0.2";
  private static final int PORT = 8080;
  private static final Duration TIMEOUT = Duration.ofSeconds(3);
  private static final List<PodSpec> PODS =
      List.of(new PodSpec("default", "client", Map.of("app", "client"), CLIENT_IP));
  private static final String POLICY =
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
        - toFQDNs: [{matchName: api.example.com}]
          toPorts:
          - ports: [{port: "8080", protocol: TCP}]
      """;

  KubernetesClient client;

  @Test
  void theOperatorsDnsRulesAndToFqdnsAreEnforcedByTheStreamDaemonsProxyOnRealPackets()
      throws Exception {
    Privileges.requireRoot();
    Tools.require("dnsmasq");
    assertTimeoutPreemptively(Duration.ofSeconds(180), this::demo);
  }

  private void demo() throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pinRoot = Path.of("/sys/fs/bpf/palisade-dnse2e-" + run);
    List<AutoCloseable> cleanup = new ArrayList<>(); // closed in reverse
    BpfFsGuard bpfFs = new BpfFsGuard();
    try {
      Topology t = Topology.create(run, PODS, List.of(API, OTHER));
      cleanup.add(t);
      EchoServers servers = EchoServers.start(t.outside(), List.of(PORT), List.of());
      cleanup.add(servers);
      cleanup.add(
          Dnsmasq.start(
              t.outside(), 53, 0, Map.of("api.example.com", API, "other.example.com", OTHER)));
      Datapath datapath = t.node().call(() -> Datapath.open(pinRoot));
      cleanup.add(datapath::close);
      cleanup.add(() -> t.node().call(() -> ProxyRouting.uninstall(false)));
      EmbeddedNodeProxy proxy =
          t.node()
              .call(
                  () -> {
                    datapath.enableProxyRedirect();
                    return EmbeddedNodeProxy.start(
                        new FqdnOptions(Duration.ofSeconds(600), Optional.empty()));
                  });
      cleanup.add(proxy::close);

      MockApiOperator operator = MockApiOperator.withL7(client, cleanup);
      MockApiOperator.createPods(client, NODE, PODS);

      Map<CidrPrefix, String> vethOf =
          Map.of(CidrPrefix.parse(CLIENT_IP).orElseThrow(), t.pod("default/client").hostVeth());
      NodeStateClient.Applier real =
          NodeStreamDaemon.applier(datapath, Optional.of(proxy), new PrintStream(System.out, true));
      NodeStateClient daemon =
          new NodeStateClient(
                  NODE,
                  NodeStateClient.insecureChannel("127.0.0.1:" + operator.server().port()),
                  NodeNamespaceApplier.inNode(t.node(), real),
                  (endpoint, prefix) ->
                      vethOf.containsKey(prefix)
                          ? new Placement.Here(vethOf.get(prefix))
                          : new Placement.Pending("not a pod of this test"),
                  Optional.empty(),
                  new PrintStream(System.out, true),
                  Duration.ofMillis(50),
                  Duration.ofMillis(500))
              .announcing(L7Proxy.EMBEDDED);
      cleanup.add(daemon::close);
      proxy.onLearned(daemon::applyLearned); // as NodeStreamDaemon wires it
      daemon.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> operator.store().l7Proxy(NODE) == L7Proxy.EMBEDDED);

      client
          .resources(CiliumNetworkPolicy.class)
          .resource(
              client.getKubernetesSerialization().unmarshal(POLICY, CiliumNetworkPolicy.class))
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> "True".equals(CnpStatus.condition(CnpStatus.of(client, "fqdn"), "Enforced")));
      PolicyStatus done = CnpStatus.of(client, "fqdn");
      assertThat(PolicyConditions.condition(done, "Enforced").map(PolicyCondition::message))
          .contains(
              "L3/L4 enforced on 1/1 node, L7 on 1/1 proxy at revision " + done.enforcedRevision());
      assertThat(datapath.readyProxyPorts()).contains(DnsNodeProxy.PORT);

      NetNs pod = t.pod("default/client").netns();
      assertThat(Probes.tcp(pod, API, PORT, TIMEOUT)).as("before any answer").isFalse();
      var api = DnsProbe.queryA(pod, Topology.OUTSIDE_UPLINK, 53, "api.example.com", TIMEOUT);
      assertThat(api).as("an answer through the proxy").isPresent();
      assertThat(api.get().addresses()).containsExactly(API);
      assertThat(api.get().from()).isEqualTo(new InetSocketAddress(Topology.OUTSIDE_UPLINK, 53));
      assertThat(Probes.tcp(pod, API, PORT, TIMEOUT)).as("the first connection").isTrue();

      var other = DnsProbe.queryA(pod, Topology.OUTSIDE_UPLINK, 53, "other.example.com", TIMEOUT);
      assertThat(other.orElseThrow().addresses()).containsExactly(OTHER);
      assertThat(Probes.tcp(pod, OTHER, PORT, TIMEOUT))
          .as("an address no toFQDNs selector was given")
          .isFalse();
      assertThat(proxy.learnedIpcache()).containsKey(API + "/32");
    } finally {
      try {
        MockApiOperator.closeInReverse(cleanup);
      } finally {
        Datapath.unpinAll(pinRoot);
        bpfFs.close();
      }
    }
  }
}
