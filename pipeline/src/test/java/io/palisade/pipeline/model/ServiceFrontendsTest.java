package io.palisade.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Services and EndpointSlices into frontends, as kube-proxy reads them: every cluster IP and
 * external IP with every port, NodePorts on the node's addresses, the slice's number for the target
 * port, ready backends of the frontend's family only; headless and ExternalName Services have none;
 * a port that cannot be resolved gets an error and no frontend.
 */
class ServiceFrontendsTest {

  static ServicePort http(ServicePort.TargetPort target) {
    return new ServicePort(
        "http", io.palisade.policy.Protocol.TCP, 80, target, OptionalInt.of(30080));
  }

  static ServicePort dns() {
    return new ServicePort(
        "dns",
        io.palisade.policy.Protocol.UDP,
        53,
        ServicePort.TargetPort.of(5353),
        OptionalInt.empty());
  }

  static ServiceInfo service(String type, List<String> clusterIPs, ServicePort... ports) {
    return new ServiceInfo(
        "shop",
        "web",
        type,
        clusterIPs,
        List.of(ports),
        List.of("203.0.113.7"),
        Map.of("app", "web"),
        Map.of());
  }

  static ServiceEndpoints.Endpoint ready(String address) {
    return new ServiceEndpoints.Endpoint(List.of(address), true, true, false, Optional.empty());
  }

  static ServiceEndpoints slice(
      String name, String type, List<ServiceEndpoints.Endpoint> endpoints, int httpPort) {
    return new ServiceEndpoints(
        "shop",
        name,
        Optional.of("web"),
        type,
        endpoints,
        List.of(
            new ServiceEndpoints.EndpointPort("http", io.palisade.policy.Protocol.TCP, httpPort),
            new ServiceEndpoints.EndpointPort("dns", io.palisade.policy.Protocol.UDP, 5353)));
  }

  static final List<ServiceEndpoints> SLICES =
      List.of(
          slice(
              "web-v4",
              "IPv4",
              List.of(
                  ready("10.0.0.1"),
                  new ServiceEndpoints.Endpoint(
                      List.of("10.0.0.2"), false, false, false, Optional.empty()),
                  new ServiceEndpoints.Endpoint(
                      List.of("10.0.0.3"), true, true, true, Optional.empty())),
              8080),
          slice("web-v6", "IPv6", List.of(ready("fd00::1")), 8080),
          new ServiceEndpoints(
              "shop", "other", Optional.of("db"), "IPv4", List.of(ready("10.0.0.9")), List.of()));

  @Test
  void everyClusterIpAndExternalIpWithEveryPortGetsTheReadyBackendsOfItsFamily() {
    ServiceFrontends f =
        ServiceFrontends.of(
            service(
                "NodePort",
                List.of("10.96.0.10", "fd96::10"),
                http(ServicePort.TargetPort.named("web")),
                dns()),
            SLICES);
    assertThat(f.errors()).isEmpty();
    List<ServiceBackend> v4 = List.of(new ServiceBackend("10.0.0.1", 8080));
    assertThat(f.shared())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                new ServiceFrontend("10.96.0.10", 80, Protocol.TCP), v4,
                new ServiceFrontend("fd96::10", 80, Protocol.TCP),
                    List.of(new ServiceBackend("fd00::1", 8080)),
                new ServiceFrontend("203.0.113.7", 80, Protocol.TCP), v4,
                new ServiceFrontend("10.96.0.10", 53, Protocol.UDP),
                    List.of(new ServiceBackend("10.0.0.1", 5353)),
                new ServiceFrontend("fd96::10", 53, Protocol.UDP),
                    List.of(new ServiceBackend("fd00::1", 5353)),
                new ServiceFrontend("203.0.113.7", 53, Protocol.UDP),
                    List.of(new ServiceBackend("10.0.0.1", 5353))));
    assertThat(f.onNode(List.of("192.168.1.1")))
        .as("the NodePort on the node's own address; the dns port has none")
        .containsExactly(Map.entry(new ServiceFrontend("192.168.1.1", 30080, Protocol.TCP), v4));
  }

  @Test
  void aClusterIpServiceOpensNoNodePortAndTheSlicesNumberIsTheTargetPort() {
    ServiceFrontends f =
        ServiceFrontends.of(
            service("ClusterIP", List.of("10.96.0.10"), http(ServicePort.TargetPort.of(9999))),
            SLICES);
    assertThat(f.nodePorts()).isEmpty();
    assertThat(f.shared().get(new ServiceFrontend("10.96.0.10", 80, Protocol.TCP)))
        .as("kube-proxy takes the slice's port, which Kubernetes resolved from the targetPort")
        .containsExactly(new ServiceBackend("10.0.0.1", 8080));
  }

  @Test
  void headlessAndExternalNameServicesHaveNoFrontend() {
    assertThat(
            ServiceFrontends.of(
                service("ClusterIP", List.of(), http(ServicePort.TargetPort.of(80))), SLICES))
        .isEqualTo(ServiceFrontends.none("shop/web"));
    assertThat(
            ServiceFrontends.of(
                service("ExternalName", List.of("10.96.0.10"), http(ServicePort.TargetPort.of(80))),
                SLICES))
        .isEqualTo(ServiceFrontends.none("shop/web"));
  }

  @Test
  void aSlicePortWithoutNumberLeavesItsServicePortWithoutFrontendAndSaysWhy() {
    List<ServiceEndpoints> slices = List.of(slice("web-v4", "IPv4", List.of(ready("10.0.0.1")), 0));
    ServiceFrontends f =
        ServiceFrontends.of(
            service(
                "NodePort",
                List.of("10.96.0.10"),
                http(ServicePort.TargetPort.named("web")),
                dns()),
            slices);
    assertThat(f.errors())
        .extracting(Object::toString)
        .containsExactly(
            "spec.ports[0].targetPort: \"web\" cannot be resolved: EndpointSlice shop/web-v4"
                + " ports[0] names the port \"http\" without a number");
    assertThat(f.shared().keySet())
        .as("the other port still translates")
        .containsExactlyInAnyOrder(
            new ServiceFrontend("10.96.0.10", 53, Protocol.UDP),
            new ServiceFrontend("203.0.113.7", 53, Protocol.UDP));
    assertThat(f.nodePorts()).isEmpty();
  }

  @Test
  void anSctpPortWhoseBackendsListenElsewhereIsNotTranslated() {
    ServicePort sctp =
        new ServicePort(
            "diameter",
            io.palisade.policy.Protocol.SCTP,
            3868,
            ServicePort.TargetPort.of(3869),
            OptionalInt.empty());
    ServiceEndpoints slice =
        new ServiceEndpoints(
            "shop",
            "web-1",
            Optional.of("web"),
            "IPv4",
            List.of(ready("10.0.0.1")),
            List.of(
                new ServiceEndpoints.EndpointPort(
                    "diameter", io.palisade.policy.Protocol.SCTP, 3869)));
    ServiceFrontends f =
        ServiceFrontends.of(service("ClusterIP", List.of("10.96.0.10"), sctp), List.of(slice));
    assertThat(f.shared()).isEmpty();
    assertThat(f.errors())
        .extracting(Object::toString)
        .containsExactly(
            "spec.ports[0].targetPort: SCTP backend 10.0.0.1:3869 listens on another port than"
                + " 3868: SCTP's checksum covers its ports, so only addresses are translated");
  }

  @Test
  void fqdnSlicesAreNoBackendAndSaySo() {
    ServiceEndpoints fqdn =
        new ServiceEndpoints(
            "shop",
            "web-names",
            Optional.of("web"),
            "FQDN",
            List.of(ready("web.example.com")),
            List.of(
                new ServiceEndpoints.EndpointPort("http", io.palisade.policy.Protocol.TCP, 80)));
    ServiceFrontends f =
        ServiceFrontends.of(
            service("ClusterIP", List.of("10.96.0.10"), http(ServicePort.TargetPort.of(80))),
            List.of(fqdn));
    assertThat(f.errors())
        .extracting(Object::toString)
        .containsExactly(
            "EndpointSlice shop/web-names addressType: FQDN endpoints are names, not addresses:"
                + " they are no backend");
    assertThat(f.shared().get(new ServiceFrontend("10.96.0.10", 80, Protocol.TCP))).isEmpty();
  }
}
