package io.palisade.node.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A probe that cannot run is a harness failure that names what is missing, never a "dropped"
 * verdict; what the network answers (refused, no reply) stays a verdict.
 */
class ProbesTest {

  static final Duration TIMEOUT = Duration.ofSeconds(1);

  @Test
  void aMissingToolFailsWithItsName() {
    assertThatThrownBy(() -> Tools.require("palisade-no-such-tool"))
        .isInstanceOf(HarnessException.class)
        .hasMessageContaining("palisade-no-such-tool is not installed");
    assertThatThrownBy(() -> Sh.run("palisade-no-such-tool", "-c", "1"))
        .isInstanceOf(HarnessException.class)
        .hasMessageContaining("palisade-no-such-tool");
  }

  @Test
  void aMissingKnownToolNamesItsDebianPackage() {
    assertThat(Tools.missing("ping"))
        .hasMessageContaining("ping is not installed")
        .hasMessageContaining("apt-get install -y iputils-ping");
    assertThat(Tools.missing("nsenter")).hasMessageContaining("util-linux");
  }

  @Test
  void probesInANamespaceTellAVerdictFromAProbeThatCannotRun() {
    Privileges.requireRoot();
    try (NetNs ns = NetNs.create("pal-" + UUID.randomUUID().toString().substring(0, 6) + "-pr")) {
      assertThatThrownBy(() -> ns.exec("palisade-no-such-ping", "-c", "1", "127.0.0.1"))
          .as("a tool that does not exist is not a dropped packet")
          .isInstanceOf(HarnessException.class)
          .hasMessageContaining("palisade-no-such-ping");

      assertThat(Probes.icmp(ns, "127.0.0.1", TIMEOUT)).as("ping answered").isTrue();
      assertThat(Probes.tcp(ns, "127.0.0.1", 9, TIMEOUT)).as("TCP refused: a verdict").isFalse();
      assertThat(Probes.udp(ns, "127.0.0.1", 9, TIMEOUT))
          .as("UDP unreachable: a verdict")
          .isFalse();

      // An address with a route but nobody behind it: silence, a verdict.
      ns.ip("link", "add", "void0", "type", "veth", "peer", "name", "void1");
      ns.ip("addr", "add", "10.99.0.1/24", "dev", "void0");
      ns.ip("link", "set", "void0", "up");
      ns.ip("link", "set", "void1", "up");
      assertThat(Probes.icmp(ns, "10.99.0.2", TIMEOUT)).as("ping without reply").isFalse();

      // No route at all: the probe could not be sent, which says nothing about a datapath.
      assertThatThrownBy(() -> Probes.icmp(ns, "192.0.2.1", TIMEOUT))
          .isInstanceOf(HarnessException.class)
          .hasMessageContaining("could not probe");
      assertThatThrownBy(() -> Probes.tcp(ns, "192.0.2.1", 80, TIMEOUT))
          .isInstanceOf(HarnessException.class)
          .hasMessageContaining("could not probe");
    }
  }
}
