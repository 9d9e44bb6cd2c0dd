package io.palisade.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.palisade.node.datapath.Datapath;
import io.palisade.pipeline.RemovalBudget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daemon's command line: defaults, both ways of naming pods, every error at once. */
class DaemonOptionsTest {

  @Test
  void parsesPodsByVethAndByRoute() {
    DaemonOptions o =
        DaemonOptions.parse(
            "--policies", "p", "--cluster", "c.yaml", "--veth", "app/web=lxc1", "--pod", "app/db");
    assertThat(o.policies()).containsExactly(Path.of("p"));
    assertThat(o.veths()).isEqualTo(Map.of("app/web", "lxc1"));
    assertThat(o.routedPods()).isEqualTo(List.of("app/db"));
    assertThat(o.pinRoot()).isEqualTo(Datapath.DEFAULT_PIN_ROOT);
    assertThat(o.once()).isFalse();
    assertThat(o.pruneBudget()).isEqualTo(RemovalBudget.DEFAULT);
    assertThat(o.repairInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.metrics()).as("no --metrics-port: no metrics").isEmpty();
  }

  @Test
  void metricsListenOnLoopbackUnlessAnAddressIsGiven() {
    String[] base = {"--policies", "p", "--cluster", "c.yaml", "--metrics-port", "9963"};
    assertThat(DaemonOptions.parse(base).metrics())
        .contains(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9963));
    String[] every = Arrays.copyOf(base, base.length + 2);
    every[base.length] = "--metrics-address";
    every[base.length + 1] = "0.0.0.0";
    assertThat(DaemonOptions.parse(every).metrics().orElseThrow().getAddress().isAnyLocalAddress())
        .isTrue();
  }

  @Test
  void aBadMetricsPortOrAddressIsOneLineNamingTheOption() {
    assertThatThrownBy(
            () ->
                DaemonOptions.parse("--policies", "p", "--cluster", "c", "--metrics-port", "http"))
        .hasMessageStartingWith(
            "--metrics-port http: expected a port number, 1-65535 (0: no metrics)\n");
    assertThatThrownBy(
            () ->
                DaemonOptions.parse(
                    "--policies",
                    "p",
                    "--cluster",
                    "c",
                    "--metrics-port",
                    "9963",
                    "--metrics-address",
                    "node.example"))
        .hasMessageStartingWith("--metrics-address node.example: expected an IP address");
  }

  @Test
  void takesARemovalBudgetAndARepairInterval() {
    DaemonOptions o =
        DaemonOptions.parse(
            "--policies",
            "p",
            "--cluster",
            "c.yaml",
            "--prune-budget",
            "unlimited",
            "--repair-interval",
            "1m30s");
    assertThat(o.pruneBudget()).isEqualTo(RemovalBudget.UNLIMITED);
    assertThat(o.repairInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(
            () ->
                DaemonOptions.parse(
                    "--policies",
                    "p",
                    "--cluster",
                    "c",
                    "--prune-budget",
                    "all",
                    "--repair-interval",
                    "often"))
        .hasMessageContaining("--prune-budget: \"all\" is not a removal budget")
        .hasMessageContaining("--repair-interval: \"often\" is not a duration");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(() -> DaemonOptions.parse("--veth", "nonsense", "--bogus"))
        .hasMessageContaining("--veth nonsense: expected NAMESPACE/POD=IFNAME")
        .hasMessageContaining("unknown option --bogus")
        .hasMessageContaining("--policies is required")
        .hasMessageContaining("--cluster is required");
  }
}
