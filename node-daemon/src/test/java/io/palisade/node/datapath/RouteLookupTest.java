package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.policy.identity.CidrPrefix;
import org.junit.jupiter.api.Test;

/**
 * Only a gatewayless host route names a pod's veth; subnet, default and gateway routes never do.
 */
class RouteLookupTest {

  static final String V4 =
      """
      Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
      eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
      eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
      lxc0\t0B00C80A\t00000000\t0005\t0\t0\t0\tFFFFFFFF\t0\t0\t0
      eth0\t0C00C80A\t020200C0\t0007\t0\t0\t0\tFFFFFFFF\t0\t0\t0
      """;

  static final String V6 =
      """
      fd000200000000000000000000000015 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00000001     lxc4
      fd000200000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
      00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
      """;

  static CidrPrefix host(String a) {
    return CidrPrefix.parse(a).orElseThrow();
  }

  @Test
  void ipv4HostRouteWithoutGateway() {
    assertThat(RouteLookup.hostVeth(host("10.200.0.11"), V4)).contains("lxc0");
    assertThat(RouteLookup.hostVeth(host("10.200.0.12"), V4)).as("via a gateway").isEmpty();
    assertThat(RouteLookup.hostVeth(host("192.0.2.7"), V4)).as("subnet route").isEmpty();
  }

  @Test
  void ipv6HostRouteWithoutGateway() {
    assertThat(RouteLookup.hostVeth(host("fd00:200::15"), V6)).contains("lxc4");
    assertThat(RouteLookup.hostVeth(host("fd00:200::16"), V6)).isEmpty();
  }
}
