package io.palisade.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.policy.Protocol;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceTableTest {

  @Test
  void aFrontendAndABackendAreIpLiteralsWithAPort() {
    assertThatThrownBy(() -> new ServiceFrontend("kube-dns.kube-system", 53, Protocol.UDP))
        .hasMessage("frontend.address: \"kube-dns.kube-system\" is not an IP address");
    assertThatThrownBy(() -> new ServiceFrontend("10.96.0.10", 0, Protocol.TCP))
        .hasMessage("frontend.port: 0 is not a port (1 to 65535)");
    assertThatThrownBy(() -> new ServiceFrontend("10.96.0.10", 80, null))
        .hasMessage("frontend.protocol: TCP, UDP or SCTP is required");
    assertThatThrownBy(() -> new ServiceBackend("10.0.0.1/32", 8080))
        .hasMessage("backend.address: \"10.0.0.1/32\" is not an IP address");
    assertThat(new ServiceFrontend("fd00::a", 443, Protocol.TCP)).hasToString("[fd00::a]:443/TCP");
  }

  @Test
  void everyWrongBackendIsNamedAtItsPath() {
    ServiceFrontend diameter = new ServiceFrontend("10.96.0.20", 3868, Protocol.SCTP);
    assertThatThrownBy(
            () ->
                new ServiceTable(
                    Map.of(
                        diameter,
                        List.of(
                            new ServiceBackend("10.0.0.1", 3868),
                            new ServiceBackend("fd00::1", 3868),
                            new ServiceBackend("10.0.0.2", 3869)))))
        .hasMessageContaining(
            "services[10.96.0.20:3868/SCTP].backends[1]: [fd00::1]:3868 is not of the frontend's"
                + " address family")
        .hasMessageContaining(
            "services[10.96.0.20:3868/SCTP].backends[2].port: 3869 differs from the frontend's"
                + " 3868");
  }

  @Test
  void repeatedBackendsCountOnceAndAFrontendWithoutBackendsStays() {
    ServiceFrontend web = new ServiceFrontend("10.96.0.10", 80, Protocol.TCP);
    ServiceFrontend empty = new ServiceFrontend("10.96.0.11", 80, Protocol.TCP);
    ServiceBackend a = new ServiceBackend("10.0.0.1", 8080);
    ServiceTable t =
        new ServiceTable(
            Map.of(web, List.of(a, new ServiceBackend("10.0.0.2", 8080), a), empty, List.of()));
    assertThat(t.services().get(web)).hasSize(2);
    assertThat(t.services().get(empty)).isEmpty();
    assertThat(t.size()).isEqualTo(2);
  }
}
