package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.node.harness.DatapathFixture;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.SctpSockets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Real SCTP associations through the datapath, on kernels with SCTP sockets. Where there are none
 * the test says so and stops; {@link SctpDatapathIT} carries the proof with crafted packets.
 */
class SctpSocketsIT {

  @Test
  void realAssociationsMeetThePolicy() throws Exception {
    Privileges.requireRoot();
    Optional<String> why = SctpSockets.unsupported();
    why.ifPresent(
        w -> System.out.println("SctpSocketsIT: " + w + "; not probing real associations"));
    Assumptions.assumeTrue(
        why.isEmpty(),
        () ->
            why.orElse("")
                + ": real SCTP associations cannot be probed on this kernel; SctpDatapathIT"
                + " proves the SCTP verdicts with BPF_PROG_TEST_RUN");
    try (DatapathFixture node =
        new DatapathFixture(
            List.of(
                new PodSpec("telco", "mme", Map.of("app", "mme"), "10.201.0.11"),
                new PodSpec("telco", "hss", Map.of("app", "hss"), "10.201.0.12"),
                new PodSpec("telco", "other", Map.of("app", "other"), "10.201.0.13"),
                new PodSpec("telco", "mme6", Map.of("app", "mme"), "fd00:201::11"),
                new PodSpec("telco", "hss6", Map.of("app", "hss"), "fd00:201::12")),
            List.of())) {
      node.enforce(SctpDatapathIT.POLICY);
      var mme = node.topology().pod("telco/mme").netns();
      var other = node.topology().pod("telco/other").netns();
      var mme6 = node.topology().pod("telco/mme6").netns();
      var hssNs = node.topology().pod("telco/hss").netns();
      var hss6Ns = node.topology().pod("telco/hss6").netns();
      try (var s1 = SctpSockets.serve(hssNs, "10.201.0.12", 3868);
          var s2 = SctpSockets.serve(hssNs, "10.201.0.12", 3869);
          var s3 = SctpSockets.serve(hss6Ns, "fd00:201::12", 3868)) {
        var t = DatapathFixture.TIMEOUT;
        assertThat(SctpSockets.probe(mme, "10.201.0.12", 3868, t)).as("mme -> hss:3868").isTrue();
        assertThat(SctpSockets.probe(mme, "10.201.0.12", 3869, t)).as("mme -> hss:3869").isFalse();
        assertThat(SctpSockets.probe(other, "10.201.0.12", 3868, t)).as("other -> hss").isFalse();
        assertThat(SctpSockets.probe(mme6, "fd00:201::12", 3868, t)).as("IPv6 mme -> hss").isTrue();
      }
    }
  }
}
