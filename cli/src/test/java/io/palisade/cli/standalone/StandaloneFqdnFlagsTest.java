package io.palisade.cli.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.cli.Palisade;
import io.palisade.node.fqdn.FqdnOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Standalone mode takes the node daemon's {@code toFQDNs} options, under the same names, with the
 * same defaults and the same checks.
 */
class StandaloneFqdnFlagsTest {

  private static final String SAMPLES = "../config/samples/";

  @Test
  void theMinimumTtlAndTheStateFileReachTheDnsProxysOptions() {
    StandaloneCommand command = new StandaloneCommand();
    new CommandLine(command)
        .parseArgs(
            "--policies",
            "p",
            "--cluster",
            "c.yaml",
            "--fqdn-min-ttl",
            "1m30s",
            "--fqdn-state",
            "/run/demo/fqdn.tsv");
    List<String> errors = new ArrayList<>();
    assertThat(command.fqdnFlags.options(errors))
        .isEqualTo(
            new FqdnOptions(Duration.ofSeconds(90), Optional.of(Path.of("/run/demo/fqdn.tsv"))));
    assertThat(errors).isEmpty();
  }

  @Test
  void withoutThemTheNodeDaemonsDefaultsApply() {
    StandaloneCommand command = new StandaloneCommand();
    new CommandLine(command).parseArgs("--policies", "p", "--cluster", "c.yaml");
    assertThat(command.fqdnFlags.options(new ArrayList<>())).isEqualTo(FqdnOptions.defaults());
  }

  @Test
  void aMinimumTtlThatIsNoDurationIsAUsageErrorNamingTheOption() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Palisade.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "standalone",
            "--policies",
            SAMPLES + "policies",
            "--cluster",
            SAMPLES + "cluster.yaml",
            "--once",
            "--fqdn-min-ttl",
            "an hour");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "--fqdn-min-ttl: \"an hour\" is not a duration (numbers followed by ms, s, m or h");
    assertThat(out.toString()).isEmpty();
  }
}
