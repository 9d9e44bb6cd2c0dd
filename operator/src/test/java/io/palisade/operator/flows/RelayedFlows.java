package io.palisade.operator.flows;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.stream.TestCertificates;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.NodeTls;
import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.PolicyLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The Star Wars samples in a pipeline, with the sample's rule1 and a deny of the Alliance that a
 * PolicySource applied at a Git revision, and the flows a stream-mode daemon would relay over them:
 * addresses and identities only.
 */
final class RelayedFlows {

  static final String REVISION = "main@sha1:3f2a9c1d0b8e7f6a5d4c3b2a19081726354a5b6c";
  static final String SOURCE = "PolicySource palisade-system/policies " + REVISION;
  static final String DEATHSTAR = "10.42.0.10";
  static final String XWING = "10.42.0.12";

  private static final Path SAMPLES = Path.of("../config/samples");

  private static final String NO_REBELS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata:
        name: no-rebels
        namespace: default
        annotations:
          palisade.io/source: palisade-system/policies
          palisade.io/source-revision: %s
      spec:
        endpointSelector: {matchLabels: {class: deathstar}}
        ingressDeny:
          - fromEndpoints: [{matchLabels: {org: alliance}}]
            toPorts: [{ports: [{port: "80", protocol: TCP}]}]
      """;

  private final InMemoryNodeState nodeState = new InMemoryNodeState();
  private final LocalPipeline pipeline;

  RelayedFlows(Path policies) throws IOException {
    pipeline = new LocalPipeline("node-a", nodeState, RemovalBudget.DEFAULT);
    ClusterFile.Result cluster = ClusterFile.read(SAMPLES.resolve("cluster.yaml"));
    assertThat(cluster.errors()).isEmpty();
    pipeline.accept(cluster.contents());
    Files.copy(SAMPLES.resolve("policies/deathstar-l3-l4.yaml"), policies.resolve("rule1.yaml"));
    Files.writeString(policies.resolve("no-rebels.yaml"), NO_REBELS.formatted(REVISION));
    assertThat(
            pipeline.accept(PolicySnapshot.of("files", new PolicyLoader().load(List.of(policies)))))
        .isEmpty();
    pipeline.run();
  }

  /** The operator's naming: a policy without the PolicySource's marks reads as kubectl's. */
  FlowNaming naming() {
    return new FlowNaming(pipeline.pipeline(), () -> "kubectl");
  }

  /**
   * The operator's node-state server over mutual TLS with the operator's certificate from {@code
   * certs}, and the Flows service beside it naming into {@code ring}.
   */
  NodeStateServer serve(TestCertificates certs, FlowRing ring) throws IOException {
    NodeStateSecurity security =
        NodeStateSecurity.mutualTls(
            new NodeTls(
                certs.certificate("operator"),
                certs.key("operator"),
                Optional.of(certs.certificate("ca"))));
    return NodeStateServer.start(
        new InetSocketAddress("127.0.0.1", 0),
        new NodeStateStore("epoch-1", 8),
        security,
        List.of(
            new FlowsService(
                ring, naming(), new FlowAccess(security.pinsNodes()), Clock.systemUTC())));
  }

  /** An xwing's packet to the deathstar's port 80, denied by no-rebels, as the node saw it. */
  Flow deniedXwing() {
    return new Flow(
        Instant.now(),
        "denied",
        "policy_deny_rule",
        "ingress",
        "TCP",
        new Flow.Endpoint(Optional.empty(), Optional.empty(), XWING, identity(XWING), 40312),
        new Flow.Endpoint(Optional.empty(), Optional.empty(), DEATHSTAR, identity(DEATHSTAR), 80),
        Optional.empty(),
        List.of(),
        List.of(),
        7);
  }

  private long identity(String address) {
    Long id = nodeState.ipcache().get(address + "/32");
    assertThat(id).as("identity of " + address).isNotNull();
    return id;
  }
}
