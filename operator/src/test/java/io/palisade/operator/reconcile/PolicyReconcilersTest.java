package io.palisade.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyStatus;
import io.palisade.operator.CnpStatus;
import io.palisade.operator.MockCluster;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.inventory.ClusterWatch;
import io.palisade.operator.nodestate.NodeStateSecurity;
import io.palisade.operator.nodestate.NodeStateServer;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.nodestate.TestDaemon;
import io.palisade.operator.status.OwnWrites;
import io.palisade.operator.status.PolicyConditions;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconcilers under plain JOSDK against the mock API server, with the real pipeline, watches,
 * identity allocator and node-state server: a policy created through the API reaches a daemon over
 * gRPC, and its ack reaches the policy's status.
 */
@EnableKubernetesMockClient(crud = true)
class PolicyReconcilersTest {

  KubernetesClient client;

  private final NodeStateStore store = new NodeStateStore("epoch-1", 64);
  private final ClusterInventory inventory = new ClusterInventory();
  private final PolicyValidation validation = new PolicyValidation();
  private Pipeline pipeline;
  private ClusterWatch watch;
  private NodeStateServer server;
  private ScheduledExecutorService loop;
  private Operator operator;
  private TestDaemon daemon;

  @BeforeEach
  void start() throws Exception {
    MockCluster.installCrds(client);
    pipeline = new Pipeline(inventory, new CiliumIdentityAllocator(client), store);
    watch = new ClusterWatch(client, inventory, validation).start();
    loop = Executors.newSingleThreadScheduledExecutor();
    loop.scheduleWithFixedDelay(pipeline::run, 0, 20, TimeUnit.MILLISECONDS);
    server =
        NodeStateServer.start(
            new InetSocketAddress("127.0.0.1", 0), store, NodeStateSecurity.insecurePlainText());
    operator = MockCluster.operator(client);
    operator.register(new CiliumNetworkPolicyReconciler(pipeline, validation, client));
    operator.register(new CiliumClusterwideNetworkPolicyReconciler(pipeline, validation, client));
    operator.register(new NetworkPolicyReconciler(pipeline, validation, client));
    operator.start();
    for (var w : StarWars.workloads()) {
      client
          .pods()
          .resource(pod(w.pod().name(), w.node().get(), w.addresses().getFirst(), w.pod().labels()))
          .create();
    }
  }

  @AfterEach
  void stop() {
    operator.stop();
    if (daemon != null) {
      daemon.close();
    }
    server.close();
    loop.shutdownNow();
    watch.close();
  }

  private static Pod pod(String name, String node, String ip, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("c")
        .withImage("i")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPodIP(ip)
        .withPhase("Running")
        .endStatus()
        .build();
  }

  private <T> T parse(String yaml, Class<T> type) {
    return client.getKubernetesSerialization().unmarshal(yaml, type);
  }

  /** Gives rule1 the spec of {@code yaml}, as its next generation. */
  private void updateRule1(String yaml) {
    CiliumNetworkPolicy next = parse(yaml, CiliumNetworkPolicy.class);
    // The reconciler's status writes move the resourceVersion between the read and the patch
    // that edit() makes: a conflict means "read again", as kubectl edit would.
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(CiliumNetworkPolicy.class)
            .inNamespace("default")
            .withName("rule1")
            .edit(
                p -> {
                  p.setSpec(next.getSpec());
                  return p;
                });
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  @Test
  void aNewPolicyIsReconcilingAtOnceAndEnforcedOnceItsNodeAcks() {
    createRule1();

    awaitRule1Published();
    PolicyStatus pending = CnpStatus.of(client, "rule1");
    assertThat(pending.observedGeneration()).isEqualTo(1);
    assertThat(CnpStatus.condition(pending, "Valid")).isEqualTo("True");
    assertThat(CnpStatus.condition(pending, "Reconciling")).isEqualTo("True");
    assertThat(CnpStatus.condition(pending, "Ready")).isEqualTo("Unknown");
    assertThat(CnpStatus.condition(pending, "Stalled")).isEqualTo("False");
    assertThat(CnpStatus.message(pending, "Enforced"))
        .startsWith("enforced on 0/1 node at revision ");
    assertThat(pending.desiredNodes()).isEqualTo(1);

    // The deathstar's node connects over gRPC, applies what it gets and acks it.
    nodeAAcksAndRule1IsReady();
    PolicyStatus done = CnpStatus.of(client, "rule1");
    assertThat(CnpStatus.condition(done, "Enforced")).isEqualTo("True");
    assertThat(CnpStatus.condition(done, "Reconciling")).isEqualTo("False");
    assertThat(CnpStatus.message(done, "Enforced"))
        .isEqualTo("enforced on 1/1 node at revision " + done.enforcedRevision());
    assertThat(done.enforcedNodes()).isEqualTo(1);
    // What the daemon got: the deathstar enforcing ingress, the tiefighter allowed on port 80.
    var endpoint =
        daemon.received.stream()
            .flatMap(
                m ->
                    m.hasSnapshot()
                        ? m.getSnapshot().getEndpointsList().stream()
                        : m.getDelta().getEndpointUpsertsList().stream())
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(endpoint.getId()).isEqualTo("default/deathstar");
    assertThat(endpoint.getEnforceIngress()).isTrue();
  }

  @Test
  void anAuditModePolicyShowsItsModeAndOneEditEnforcesIt() {
    CiliumNetworkPolicy audited = parse(StarWars.RULE1, CiliumNetworkPolicy.class);
    audited.getMetadata().setAnnotations(Map.of("palisade.io/enforcement", "audit"));
    client.resources(CiliumNetworkPolicy.class).resource(audited).create();
    nodeAAcksAndRule1IsReady();
    PolicyStatus s = CnpStatus.of(client, "rule1");
    assertThat(CnpStatus.condition(s, PolicyConditions.AUDIT)).isEqualTo("True");
    assertThat(CnpStatus.message(s, PolicyConditions.AUDIT))
        .startsWith("palisade.io/enforcement: audit: the policy's would-be drops pass");
    assertThat(CnpStatus.message(s, "Enforced"))
        .isEqualTo(
            "enforced on 1/1 node at revision "
                + s.enforcedRevision()
                + "; in audit mode: its would-be drops pass and are reported AUDIT");
    // The deathstar's node got the policy in audit mode: nothing enforced on its ingress, and the
    // audit part naming the policy.
    var policy = lastPolicy();
    assertThat(policy.getEnforceIngress()).isFalse();
    assertThat(policy.getAudit().getNamesList())
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.getPoliciesList())
                    .containsExactly("CiliumNetworkPolicy default/rule1"));

    // One edit of the annotation enforces it, as any change takes effect.
    editRule1(
        p -> {
          p.getMetadata().setAnnotations(Map.of("palisade.io/enforcement", "enforce"));
          return p;
        });
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                CnpStatus.condition(CnpStatus.of(client, "rule1"), PolicyConditions.AUDIT).isEmpty()
                    && "True"
                        .equals(CnpStatus.condition(CnpStatus.of(client, "rule1"), "Enforced")));
    assertThat(CnpStatus.message(CnpStatus.of(client, "rule1"), "Enforced"))
        .doesNotContain("audit");
    await().until(() -> lastPolicy().getEnforceIngress() && !lastPolicy().hasAudit());
  }

  @Test
  void anEnforcementAnnotationOfAnotherValueIsAValidationError() {
    CiliumNetworkPolicy bad = parse(StarWars.RULE1, CiliumNetworkPolicy.class);
    bad.getMetadata().setAnnotations(Map.of("palisade.io/enforcement", "dry-run"));
    client.resources(CiliumNetworkPolicy.class).resource(bad).create();
    await().until(() -> CnpStatus.of(client, "rule1") != null);
    PolicyStatus s = CnpStatus.of(client, "rule1");
    assertThat(CnpStatus.condition(s, "Valid")).isEqualTo("False");
    assertThat(CnpStatus.message(s, "Valid"))
        .isEqualTo(
            "metadata.annotations[\"palisade.io/enforcement\"]: \"dry-run\" is not an"
                + " enforcement mode; use \"enforce\" or \"audit\"");
    assertThat(CnpStatus.condition(s, PolicyConditions.AUDIT)).isEmpty();
  }

  /** The deathstar identity's policy as the daemon last received it. */
  private io.palisade.proto.nodestate.v1.IdentityPolicy lastPolicy() {
    long deathstar = -1;
    Map<Long, io.palisade.proto.nodestate.v1.IdentityPolicy> policies = new java.util.HashMap<>();
    for (var m : daemon.received) {
      var endpoints =
          m.hasSnapshot()
              ? m.getSnapshot().getEndpointsList()
              : m.getDelta().getEndpointUpsertsList();
      for (var e : endpoints) {
        if (e.getId().equals("default/deathstar")) {
          deathstar = e.getIdentity();
        }
      }
      if (m.hasSnapshot()) {
        policies.clear();
        m.getSnapshot().getPoliciesList().forEach(p -> policies.put(p.getIdentity(), p));
      }
      for (var c : m.getDelta().getPolicyChangesList()) {
        var b =
            io.palisade.proto.nodestate.v1.IdentityPolicy.newBuilder()
                .setIdentity(c.getIdentity())
                .setEnforceIngress(c.getEnforceIngress())
                .setEnforceEgress(c.getEnforceEgress());
        if (c.hasAudit()) {
          b.setAudit(c.getAudit());
        }
        policies.put(c.getIdentity(), b.build());
      }
    }
    return policies.get(deathstar);
  }

  private void editRule1(java.util.function.UnaryOperator<CiliumNetworkPolicy> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        client
            .resources(CiliumNetworkPolicy.class)
            .inNamespace("default")
            .withName("rule1")
            .edit(change);
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 10) {
          throw e;
        }
      }
    }
  }

  @Test
  void anInvalidPolicyReportsEveryErrorAndIsStalled() {
    String bad =
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: bad, namespace: default}
        spec:
          endpointSelector: {matchLabels: {org: empire}}
          egress:
            - toCIDR: ["10.0.0.0/33"]
            - toPorts:
                - ports: [{port: "99999", protocol: TCP}]
        """;
    client
        .resources(CiliumNetworkPolicy.class)
        .resource(parse(bad, CiliumNetworkPolicy.class))
        .create();

    await().until(() -> CnpStatus.of(client, "bad") != null);
    PolicyStatus s = CnpStatus.of(client, "bad");
    assertThat(CnpStatus.condition(s, "Valid")).isEqualTo("False");
    assertThat(CnpStatus.message(s, "Valid")).contains("spec.egress[0]").contains("spec.egress[1]");
    assertThat(CnpStatus.condition(s, "Stalled")).isEqualTo("True");
    assertThat(CnpStatus.condition(s, "Ready")).isEqualTo("False");
    assertThat(CnpStatus.condition(s, "Reconciling")).isEqualTo("False");
    assertThat(s.observedGeneration()).isEqualTo(1);
  }

  @Test
  void statusIsPatchedOnlyWhenItChanges() throws Exception {
    createRule1();
    awaitRule1Published();
    String version =
        client
            .resources(CiliumNetworkPolicy.class)
            .inNamespace("default")
            .withName("rule1")
            .get()
            .getMetadata()
            .getResourceVersion();
    // Not enforced anywhere yet: the reconciler looks again every second, and writes nothing new.
    Thread.sleep(2500);
    assertThat(
            client
                .resources(CiliumNetworkPolicy.class)
                .inNamespace("default")
                .withName("rule1")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(version);
  }

  @Test
  void aStatusComputedFromACopyOlderThanTheObjectIsRefusedNotMixedIn() {
    CiliumNetworkPolicy created =
        client
            .resources(CiliumNetworkPolicy.class)
            .resource(parse(StarWars.RULE1, CiliumNetworkPolicy.class))
            .create();
    nodeAAcksAndRule1IsReady();
    CiliumNetworkPolicy held = rule1();

    // A reconciler whose cache still holds the object as created, without the status written
    // since: its write must be refused, not laid over the newer status.
    var lagging = new CiliumNetworkPolicyReconciler(pipeline, validation, client);
    UpdateControl<CiliumNetworkPolicy> control = lagging.reconcile(created, null);

    assertThat(control.isNoUpdate()).isTrue();
    assertThat(control.getScheduleDelay()).contains(OwnWrites.STALE_RETRY.toMillis());
    assertThat(rule1().getMetadata().getResourceVersion())
        .isEqualTo(held.getMetadata().getResourceVersion());
    assertThat(rule1().getStatus()).isEqualTo(held.getStatus());
    // Handed the current copy, the same reconciler has nothing to write.
    assertThat(lagging.reconcile(held, null).isNoUpdate()).isTrue();
    assertThat(rule1().getMetadata().getResourceVersion())
        .isEqualTo(held.getMetadata().getResourceVersion());
  }

  @Test
  void anotherWritersConditionsAndStatusFieldsStayBesidePalisades() {
    createRule1();
    awaitRule1Published();
    // Another controller's condition and field, added as a JSON patch to the status.
    client
        .genericKubernetesResources("cilium.io/v2", "CiliumNetworkPolicy")
        .inNamespace("default")
        .withName("rule1")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON),
            """
            [{"op": "add", "path": "/status/conditions/-",
              "value": {"type": "example.io/Scanned", "status": "True", "reason": "Scanned"}},
             {"op": "add", "path": "/status/nodes", "value": {"node-a": {"enforcing": true}}}]
            """);

    nodeAAcksAndRule1IsReady();

    PolicyStatus status = CnpStatus.of(client, "rule1");
    assertThat(CnpStatus.condition(status, "Enforced")).isEqualTo("True");
    assertThat(CnpStatus.condition(status, "example.io/Scanned")).isEqualTo("True");
    assertThat(status.conditions()).extracting(c -> c.type()).doesNotHaveDuplicates();
    Map<String, Object> raw =
        client
            .genericKubernetesResources("cilium.io/v2", "CiliumNetworkPolicy")
            .inNamespace("default")
            .withName("rule1")
            .get()
            .get("status");
    assertThat(raw).containsEntry("nodes", Map.of("node-a", Map.of("enforcing", true)));
  }

  @Test
  void aPolicyWithAFieldPalisadeDoesNotKnowIsRefusedAndTheWatchGoesOn() {
    // A field of a newer Cilium, which its CRD lets through the API server.
    client
        .genericKubernetesResources("cilium.io/v2", "CiliumNetworkPolicy")
        .inNamespace("default")
        .resource(
            parse(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: newer, namespace: default}
                spec:
                  endpointSelector: {matchLabels: {org: empire}}
                  ingress:
                    - fromEndpoints: [{matchLabels: {org: empire}}]
                      fromSomewhereNew: [{name: x}]
                """,
                GenericKubernetesResource.class))
        .create();
    await()
        .until(() -> "False".equals(CnpStatus.condition(CnpStatus.of(client, "newer"), "Valid")));
    PolicyStatus refused = CnpStatus.of(client, "newer");
    assertThat(CnpStatus.message(refused, "Valid"))
        .contains("spec.ingress[0].fromSomewhereNew")
        .contains("unknown field");
    assertThat(CnpStatus.condition(refused, "Enforced")).isEqualTo("False");

    // The watches read past it: the next policy is enforced.
    createRule1();
    nodeAAcksAndRule1IsReady();
  }

  private void createRule1() {
    client
        .resources(CiliumNetworkPolicy.class)
        .resource(parse(StarWars.RULE1, CiliumNetworkPolicy.class))
        .create();
  }

  /** Until rule1's status names the revision that carries it. */
  private void awaitRule1Published() {
    await()
        .until(
            () ->
                CnpStatus.of(client, "rule1") != null
                    && CnpStatus.of(client, "rule1").enforcedRevision() != null);
  }

  /** The deathstar's node connects over gRPC and acks; until rule1 is Ready. */
  private void nodeAAcksAndRule1IsReady() {
    daemon = new TestDaemon(server.port(), true, false).hello("node-a", "", 0);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> "True".equals(CnpStatus.condition(CnpStatus.of(client, "rule1"), "Ready")));
  }

  private CiliumNetworkPolicy rule1() {
    return client
        .resources(CiliumNetworkPolicy.class)
        .inNamespace("default")
        .withName("rule1")
        .get();
  }

  @Test
  void aNewGenerationIsObservedAndADeletedPolicyLeavesTheNodes() {
    createRule1();
    await().until(() -> CnpStatus.of(client, "rule1") != null);
    updateRule1(StarWars.RULE1.replace("\"80\"", "\"8080\""));
    await().until(() -> CnpStatus.of(client, "rule1").observedGeneration() == 2);
    assertThat(
            PolicyConditions.condition(CnpStatus.of(client, "rule1"), "Valid")
                .orElseThrow()
                .observedGeneration())
        .isEqualTo(2);
    await()
        .until(() -> store.local("node-a").endpoints().get("default/deathstar").enforceIngress());

    client.resources(CiliumNetworkPolicy.class).inNamespace("default").withName("rule1").delete();
    await()
        .until(() -> !store.local("node-a").endpoints().get("default/deathstar").enforceIngress());
  }

  @Test
  void anInvalidUpdateLeavesTheLastValidGenerationInForce() {
    createRule1();
    await()
        .until(
            () ->
                store.local("node-a").endpoints().containsKey("default/deathstar")
                    && store.local("node-a").endpoints().get("default/deathstar").enforceIngress());
    updateRule1(StarWars.RULE1.replace("\"80\"", "\"99999\""));
    await().until(() -> CnpStatus.of(client, "rule1").observedGeneration() == 2);
    PolicyStatus s = CnpStatus.of(client, "rule1");
    assertThat(CnpStatus.condition(s, "Valid")).isEqualTo("False");
    assertThat(CnpStatus.message(s, "Valid")).contains("spec.ingress[0].toPorts[0].ports[0].port");
    assertThat(CnpStatus.message(s, "Enforced"))
        .isEqualTo("generation 2 is invalid; generation 1 stays in force");
    assertThat(store.local("node-a").endpoints().get("default/deathstar").enforceIngress())
        .isTrue();
  }

  /** The Events about rule1, oldest first: type, reason and message. */
  private List<String> events() {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals("rule1"))
        .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getName()))
        .map(e -> e.getType() + " " + e.getReason() + ": " + e.getMessage())
        .toList();
  }

  @Test
  void eachPolicyProblemIsOneEventAndTheRecoveryAnother() throws Exception {
    createRule1();
    nodeAAcksAndRule1IsReady();
    assertThat(events()).as("enforced from the start: nothing to report").isEmpty();

    updateRule1(StarWars.RULE1.replace("\"80\"", "\"99999\""));
    await().until(() -> CnpStatus.of(client, "rule1").observedGeneration() == 2);
    // Reconciles that find nothing new, and the periodic re-check, add no second event.
    Thread.sleep(2500);
    assertThat(events())
        .singleElement()
        .asString()
        .startsWith(
            "Warning LastGoodKept: generation 2 is invalid; generation 1 stays in force:"
                + " spec.ingress[0].toPorts[0].ports[0].port:");

    updateRule1(StarWars.RULE1.replace("\"80\"", "\"8080\""));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              PolicyStatus s = CnpStatus.of(client, "rule1");
              return s.observedGeneration() == 3 && "True".equals(CnpStatus.condition(s, "Ready"));
            });
    await().atMost(Duration.ofSeconds(30)).until(() -> events().size() == 2);
    assertThat(events().get(1)).startsWith("Normal Enforced: enforced on 1/1 node at revision ");
    Thread.sleep(1500);
    assertThat(events()).hasSize(2);
  }

  @Test
  void clusterwideAndKubernetesPoliciesGetStatusToo() {
    String ccnp =
        """
        apiVersion: cilium.io/v2
        kind: CiliumClusterwideNetworkPolicy
        metadata: {name: empire-only}
        spec:
          endpointSelector: {matchLabels: {org: empire}}
          ingress:
            - fromEndpoints: [{matchLabels: {org: empire}}]
        """;
    client
        .resources(CiliumClusterwideNetworkPolicy.class)
        .resource(parse(ccnp, CiliumClusterwideNetworkPolicy.class))
        .create();
    String knp =
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: default}
        spec:
          podSelector: {}
          policyTypes: [Ingress]
        """;
    client.network().v1().networkPolicies().resource(parse(knp, NetworkPolicy.class)).create();

    await()
        .until(
            () -> {
              var p =
                  client
                      .resources(CiliumClusterwideNetworkPolicy.class)
                      .withName("empire-only")
                      .get();
              return p.getStatus() != null && p.getStatus().desiredNodes() != null;
            });
    PolicyStatus cs =
        client
            .resources(CiliumClusterwideNetworkPolicy.class)
            .withName("empire-only")
            .get()
            .getStatus();
    assertThat(CnpStatus.condition(cs, "Valid")).isEqualTo("True");
    assertThat(cs.desiredNodes()).isEqualTo(2);

    await()
        .until(
            () ->
                NetworkPolicyReconciler.statusOf(
                        client
                            .network()
                            .v1()
                            .networkPolicies()
                            .inNamespace("default")
                            .withName("deny-all")
                            .get())
                    .isPresent());
    Optional<PolicyStatus> ks =
        NetworkPolicyReconciler.statusOf(
            client
                .network()
                .v1()
                .networkPolicies()
                .inNamespace("default")
                .withName("deny-all")
                .get());
    assertThat(CnpStatus.condition(ks.orElseThrow(), "Valid")).isEqualTo("True");
    assertThat(ks.get().observedGeneration()).isEqualTo(1);
    // The engine translates it: deny-all ingress selects every pod of default, on both nodes.
    await()
        .until(
            () ->
                NetworkPolicyReconciler.statusOf(
                        client
                            .network()
                            .v1()
                            .networkPolicies()
                            .inNamespace("default")
                            .withName("deny-all")
                            .get())
                    .map(s -> Integer.valueOf(2).equals(s.desiredNodes()))
                    .orElse(false));
    await().until(() -> store.local("node-b").endpoints().get("default/xwing").enforceIngress());
  }
}
