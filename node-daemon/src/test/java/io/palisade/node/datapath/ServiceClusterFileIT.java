package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Topology;
import io.palisade.node.maps.Reason;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.local.ClusterFile;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.pipeline.local.PolicySnapshot;
import io.palisade.policy.load.LoadResult;
import io.palisade.policy.load.PolicyLoader;
import io.palisade.policy.resolve.HostTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Real packets to a Service that comes from Service and EndpointSlice objects of a cluster file,
 * through the pipeline as the daemon's file mode and {@code standalone --enforce} run it ({@link
 * LocalPipeline} into a {@link DatapathApplier}), never from a hand-made table: the ClusterIP and
 * the NodePort on the node's own address reach the backends at the slice's port; endpoints that are
 * not ready leave the frontend with no backend (dropped as such); a slice port without a number is
 * reported and leaves the port untranslated; the Service recovers when the slice does.
 */
class ServiceClusterFileIT {

  static final String CLUSTER_IP = "10.96.0.10";
  static final int NODE_PORT = 30080;
  static final Duration TIMEOUT = Duration.ofMillis(1500);

  static final List<PodSpec> PODS =
      List.of(
          new PodSpec("shop", "web", Map.of("app", "web"), "10.30.0.1"),
          new PodSpec("shop", "db-a", Map.of("app", "db"), "10.30.0.11"),
          new PodSpec("shop", "db-b", Map.of("app", "db"), "10.30.0.12"));

  /** This node, the db Service (targetPort by name) and its slice; a headless Service beside. */
  static String objects(String ready, String slicePort) {
    return """
        apiVersion: v1
        kind: Node
        metadata: {name: node-a}
        status: {addresses: [{type: InternalIP, address: %s}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: shop}
        spec:
          type: NodePort
          clusterIP: %s
          selector: {app: db}
          ports: [{name: http, port: 80, targetPort: http, nodePort: %d}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db-pods, namespace: shop}
        spec:
          clusterIP: None
          selector: {app: db}
          ports: [{name: http, port: 80, targetPort: http}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: db-x1, namespace: shop, labels: {kubernetes.io/service-name: db}}
        addressType: IPv4
        endpoints:
          - {addresses: [10.30.0.11], conditions: {ready: %s}}
          - {addresses: [10.30.0.12], conditions: {ready: %s}}
        ports: [%s]
        """
        .formatted(Topology.NODE_UPLINK, CLUSTER_IP, NODE_PORT, ready, ready, slicePort);
  }

  static final String HTTP_8080 = "{name: http, port: 8080, protocol: TCP}";

  @Test
  void aServiceOfTheClusterFileIsTranslatedOnRealPackets() throws Exception {
    Privileges.requireRoot();
    Path dir = Files.createTempDirectory("palisade-services");
    try (DatapathFixture node = new DatapathFixture(PODS, List.of())) {
      Map<String, String> veths = node.topology().veths();
      DatapathApplier applier =
          new DatapathApplier(node.datapath(), "local", node.topology().finder());
      LocalPipeline pipeline =
          new LocalPipeline(
              "local",
              applier,
              RemovalBudget.parse("unlimited"),
              HostTraffic.ALLOWED,
              Optional.of("node-a"));
      List<String> reported = new CopyOnWriteArrayList<>();
      pipeline.pipeline().reportServiceErrorsTo(reported::add);
      Path policy = dir.resolve("policy.yaml");
      Files.writeString(policy, ServiceTranslationIT.ALLOWED);
      LoadResult loaded = new PolicyLoader().load(List.of(policy));
      assertThat(loaded.errors()).isEmpty();
      pipeline.accept(PolicySnapshot.of("test", loaded));
      NetNs web = node.topology().pod("shop/web").netns();

      apply(node, pipeline, objects("true", HTTP_8080));
      assertThat(applier.pending()).isEmpty();
      assertThat(reported).isEmpty();
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, TIMEOUT)).as("the ClusterIP").isTrue();
      assertThat(Probes.tcp(web, Topology.NODE_UPLINK, NODE_PORT, TIMEOUT))
          .as("the NodePort on the node's own address")
          .isTrue();
      assertThat(Probes.tcp(web, Topology.NODE_UPLINK, NODE_PORT + 1, Duration.ofMillis(500)))
          .as("another port of the node is no Service")
          .isFalse();

      apply(node, pipeline, objects("false", HTTP_8080));
      long noBackend = noBackendDrops(node);
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, Duration.ofMillis(500)))
          .as("no endpoint is ready")
          .isFalse();
      assertThat(noBackendDrops(node)).as("dropped as no_service_backend").isGreaterThan(noBackend);

      apply(node, pipeline, objects("true", "{name: http, protocol: TCP}"));
      assertThat(reported)
          .containsExactly(
              "Service shop/db: spec.ports[0].targetPort: \"http\" cannot be resolved:"
                  + " EndpointSlice shop/db-x1 ports[0] names the port \"http\" without a number"
                  + " (this port is not translated)");
      noBackend = noBackendDrops(node);
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, Duration.ofMillis(500)))
          .as("a port that cannot be resolved has no frontend")
          .isFalse();
      assertThat(noBackendDrops(node))
          .as("untranslated, the ClusterIP is only an address the policy does not allow")
          .isEqualTo(noBackend);

      apply(node, pipeline, objects("true", HTTP_8080));
      assertThat(Probes.tcp(web, CLUSTER_IP, 80, TIMEOUT)).as("the slice is whole again").isTrue();
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private static void apply(DatapathFixture node, LocalPipeline pipeline, String objects) {
    ClusterFile.Result cluster = ClusterFile.read(node.topology().clusterYaml() + objects);
    assertThat(cluster.errors()).isEmpty();
    pipeline.accept(cluster.contents());
    node.topology().node().call(pipeline::run);
  }

  private static long noBackendDrops(DatapathFixture node) {
    return node.datapath()
        .counters()
        .getOrDefault(Reason.DROP_NO_SERVICE_BACKEND.slot(), new long[2])[0];
  }
}
