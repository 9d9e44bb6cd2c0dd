package io.palisade.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.InMemoryNodeState;
import io.palisade.pipeline.RemovalBudget;
import io.palisade.pipeline.model.ServiceBackend;
import io.palisade.pipeline.model.ServiceFrontend;
import io.palisade.pipeline.model.ServiceFrontends;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.pipeline.model.ServicePort;
import io.palisade.policy.Protocol;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.resolve.HostTraffic;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterFileTest {

  static final String GOOD =
      """
      apiVersion: v1
      kind: List
      items:
        - apiVersion: v1
          kind: Node
          metadata: {name: node-a}
          status:
            addresses:
              - {type: InternalIP, address: 10.0.0.1}
              - {type: Hostname, address: node-a}
        - apiVersion: v1
          kind: Node
          metadata: {name: node-b}
          status: {addresses: [{type: InternalIP, address: 10.0.0.2}, {type: ExternalIP, address: 198.51.100.2}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop}
      spec:
        type: NodePort
        clusterIP: 10.96.0.10
        clusterIPs: [10.96.0.10]
        externalIPs: [192.0.2.7]
        selector: {app: web}
        ports:
          - {name: http, port: 80, targetPort: 8080, nodePort: 30080}
          - {name: metrics, port: 9090, targetPort: metrics, protocol: TCP}
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: web-abc
        namespace: shop
        labels: {kubernetes.io/service-name: web}
      addressType: IPv4
      endpoints:
        - addresses: [10.1.0.5]
          conditions: {ready: true}
          nodeName: node-a
        - addresses: [10.1.0.6]
          conditions: {ready: false, serving: true, terminating: true}
        - addresses: [10.1.0.7]
      ports:
        - {name: http, port: 8080, protocol: TCP}
        - {name: metrics, port: 9090}
      ---
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: kubernetes
        namespace: default
        labels: {kubernetes.io/service-name: kubernetes}
      addressType: IPv4
      endpoints: [{addresses: [10.0.0.2]}]
      ports: [{name: https, port: 6443}]
      """;

  @Test
  void readsNodesServicesAndEndpointSlicesAsKubectlPrintsThem() {
    ClusterFile.Result r = ClusterFile.read(GOOD);
    assertThat(r.errors()).isEmpty();
    ClusterFile.Contents c = r.contents();
    assertThat(c.nodes())
        .extracting(n -> n.name() + "=" + n.addresses())
        .containsExactly("node-a=[10.0.0.1]", "node-b=[10.0.0.2, 198.51.100.2]");
    assertThat(c.apiServer()).containsExactly("10.0.0.2");
    ServiceInfo web = c.services().getFirst();
    assertThat(web.type()).isEqualTo("NodePort");
    assertThat(web.clusterIPs()).containsExactly("10.96.0.10");
    assertThat(web.externalIPs()).containsExactly("192.0.2.7");
    assertThat(web.selector()).isEqualTo(Map.of("app", "web"));
    ServicePort http = web.ports().get(0);
    assertThat(http.targetPort().number()).hasValue(8080);
    assertThat(http.nodePort()).hasValue(30080);
    assertThat(web.ports().get(1).targetPort().name()).hasValue("metrics");
    // The terminating endpoint takes no new connections; one without conditions is ready.
    ServiceFrontends frontends = ServiceFrontends.of(web, c.endpointSlices());
    assertThat(frontends.errors()).isEmpty();
    assertThat(frontends.shared())
        .containsEntry(
            new ServiceFrontend("10.96.0.10", 80, Protocol.TCP),
            List.of(new ServiceBackend("10.1.0.5", 8080), new ServiceBackend("10.1.0.7", 8080)))
        .containsEntry(
            new ServiceFrontend("192.0.2.7", 9090, Protocol.TCP),
            List.of(new ServiceBackend("10.1.0.5", 9090), new ServiceBackend("10.1.0.7", 9090)));
    assertThat(frontends.onNode(List.of("10.0.0.1")))
        .containsOnlyKeys(new ServiceFrontend("10.0.0.1", 30080, Protocol.TCP));
  }

  @Test
  void badNodeServiceAndEndpointSliceAreRefusedAtTheirFieldPaths() {
    String bad =
        """
        apiVersion: v1
        kind: Node
        metadata: {name: node-a}
        status: {addresses: [{type: InternalIP, address: 10.0.0.300}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          type: Clusterip
          clusterIP: not-an-ip
          ports:
            - {name: http, port: 70000, protocol: ICMP}
            - {port: 81, targetPort: "-bad-"}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-abc, namespace: shop}
        addressType: IPv4
        endpoints: [{addresses: ["fd00::1"]}, {addresses: []}]
        ports: [{port: "http"}]
        ---
        apiVersion: v1
        kind: Node
        metadata: {}
        """;
    List<String> errors =
        ClusterFile.read(bad).errors().stream().map(FieldError::toString).toList();
    assertThat(errors)
        .containsExactlyInAnyOrder(
            "document 0 status.addresses[0].address: \"10.0.0.300\" is not an IP address",
            "document 1 spec.type: \"Clusterip\" is not a Service type (ClusterIP, NodePort,"
                + " LoadBalancer, ExternalName)",
            "document 1 spec.clusterIP: \"not-an-ip\" is not an IP address",
            "document 1 spec.ports[0].protocol: \"ICMP\" is not a protocol (TCP, UDP or SCTP)",
            "document 1 spec.ports[0].port: 70000 is not a port (1-65535)",
            "document 1 spec.ports[1].name: must be set when a Service has several ports",
            "document 1 spec.ports[1].targetPort: \"-bad-\" is neither a port number nor a port"
                + " name (IANA service name)",
            "document 2 ports[0].port: has the wrong shape: Cannot deserialize value of type"
                + " `java.lang.Integer` from String \"http\": not a valid `java.lang.Integer` value",
            "document 3 metadata.name: a Node needs a name");
  }

  @Test
  void anEndpointSliceOfTheWrongFamilyOrWithoutAddressesIsRefused() {
    String bad =
        """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: web-abc, namespace: shop}
        addressType: IPv4
        endpoints: [{addresses: ["fd00::1"]}, {addresses: []}]
        """;
    assertThat(ClusterFile.read(bad).errors())
        .extracting(FieldError::toString)
        .containsExactly(
            "document 0 endpoints[0].addresses[0]: \"fd00::1\" is not an IPv4 address",
            "document 0 endpoints[1].addresses: must list at least one address");
  }

  @Test
  void aBadFileChangesNothingThatWasGood() {
    LocalPipeline pipeline =
        new LocalPipeline(
            "local",
            new InMemoryNodeState(),
            RemovalBudget.DEFAULT,
            HostTraffic.ALLOWED,
            Optional.of("node-a"));
    pipeline.accept(ClusterFile.read(GOOD).contents());
    pipeline.run();
    var before = pipeline.inventory().nodes();
    String broken = GOOD.replace("10.0.0.2}", "10.0.0.999}");
    ClusterFile.Result r = ClusterFile.read(broken);
    assertThat(r.errors())
        .extracting(FieldError::toString)
        .containsExactly(
            "document 0 items[1] status.addresses[0].address: \"10.0.0.999\" is not an IP"
                + " address");
    // Standalone mode and the daemon take a file only when it has no error: nothing moved.
    assertThat(pipeline.inventory().nodes()).isEqualTo(before);
    assertThat(pipeline.inventory().apiServer()).containsExactly("10.0.0.2");
  }

  @Test
  void severalNodesWithoutNamingThisOneIsAnErrorThatChangesNothing() {
    LocalPipeline pipeline =
        new LocalPipeline("local", new InMemoryNodeState(), RemovalBudget.DEFAULT);
    ClusterFile.Contents c = ClusterFile.read(GOOD).contents();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> pipeline.accept(c))
        .hasMessage(
            "the cluster file has 2 Nodes (node-a, node-b); say which one this machine is with"
                + " --node NAME");
    assertThat(pipeline.inventory().nodes()).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.localNode(Optional.of("node-c")))
        .hasMessage(
            "--node \"node-c\": the cluster file has no Node of that name (node-a, node-b)");
  }
}
