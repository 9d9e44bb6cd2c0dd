package io.palisade.operator;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.palisade.node.harness.PodSpec;
import io.palisade.operator.flows.FlowAccess;
import io.palisade.operator.flows.FlowsService;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.reconcile.CiliumNetworkPolicyReconciler;
import io.palisade.operator.xds.L7Applier;
import io.palisade.operator.xds.XdsServer;
import io.palisade.pipeline.NodeStateApplier;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.xds.Target;
import io.palisade.xds.XdsPublisher;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The operator's parts as {@code OperatorBeans} wires them, on fabric8's mock API server, for the
 * tests that follow a policy from the API to real packets: the watches, the pipeline run every 20
 * ms, the CiliumNetworkPolicy reconciler and the node-state server on loopback (plain text) with
 * the daemons' flow relay beside it.
 *
 * @param store the node-state store: revisions, acks and each node's proxy
 * @param server where a stream-mode daemon connects, for node state and to push its flows
 * @param flows the flows the daemons pushed, named from the operator's pipeline
 */
record MockApiOperator(NodeStateStore store, NodeStateServer server, FlowRing flows) {

  /** The store alone applies node state: L3/L4 only. */
  static MockApiOperator start(KubernetesClient client, List<AutoCloseable> cleanup)
      throws Exception {
    return start(client, cleanup, store -> store);
  }

  /** The store behind the L7 applier, with xDS beside it, as a cluster with L7 rules runs. */
  static MockApiOperator withL7(KubernetesClient client, List<AutoCloseable> cleanup)
      throws Exception {
    XdsPublisher xds = new XdsPublisher(new Target.Envoy(), XdsServer::peerNode);
    cleanup.add(xds::close); // Closed last: the pipeline publishes to it until it stops.
    return start(client, cleanup, store -> new L7Applier(store, xds));
  }

  /** Starts everything, each part added to {@code cleanup} (which the caller closes in reverse). */
  private static MockApiOperator start(
      KubernetesClient client,
      List<AutoCloseable> cleanup,
      Function<NodeStateStore, NodeStateApplier> applier)
      throws Exception {
    MockCluster.installCrds(client);
    NodeStateStore store = new NodeStateStore("epoch-1", 64);
    ClusterInventory inventory = new ClusterInventory();
    PolicyValidation validation = new PolicyValidation();
    Pipeline pipeline =
        new Pipeline(inventory, new CiliumIdentityAllocator(client), applier.apply(store));
    ClusterWatch watch = new ClusterWatch(client, inventory, validation).start();
    cleanup.add(watch::close);
    ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    cleanup.add(loop::shutdownNow);
    loop.scheduleWithFixedDelay(pipeline::run, 0, 20, TimeUnit.MILLISECONDS);
    FlowRing flows = new FlowRing(10_000);
    FlowsService flowsService =
        new FlowsService(
            flows,
            new FlowNaming(pipeline, () -> "kubectl"),
            new FlowAccess(false),
            Clock.systemUTC());
    NodeStateServer server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            store,
            NodeStateSecurity.insecurePlainText(),
            List.of(flowsService));
    cleanup.add(server::close);
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withCloseClientOnStop(false));
    operator.register(new CiliumNetworkPolicyReconciler(pipeline, validation, client));
    operator.start();
    cleanup.add(operator::stop);
    return new MockApiOperator(store, server, flows);
  }

  /** {@code pods} as the API server holds them: scheduled on {@code node}, running at their IPs. */
  static void createPods(KubernetesClient client, String node, List<PodSpec> pods) {
    for (PodSpec s : pods) {
      client
          .pods()
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(s.name())
                  .withNamespace(s.namespace())
                  .withLabels(s.labels())
                  .endMetadata()
                  .withNewSpec()
                  .withNodeName(node)
                  .addNewContainer()
                  .withName("c")
                  .withImage("i")
                  .endContainer()
                  .endSpec()
                  .withNewStatus()
                  .withPodIP(s.ip())
                  .withPhase("Running")
                  .endStatus()
                  .build())
          .create();
    }
  }

  /**
   * Closes what a test started, last first, every one even when some fail; then throws the first
   * failure, so a cleanup that went wrong fails the test.
   */
  static void closeInReverse(List<AutoCloseable> cleanup) {
    RuntimeException failure = null;
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("cleanup", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
