package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's demo end to end on real packets: standalone mode enforces the Star Wars policy in
 * network namespaces; the tiefighter is served and the xwing refused, and nothing is left behind.
 */
class DemoIT {

  @Test
  void theTiefighterLandsAndTheXwingIsRefused() throws Exception {
    boolean root =
        "0"
            .equals(
                new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
                    .trim());
    assumeTrue(root, "the demo needs root (network namespaces and eBPF); CI runs as root");
    Process demo = new ProcessBuilder("../bin/palisade-demo").redirectErrorStream(true).start();
    assertThat(demo.waitFor(240, TimeUnit.SECONDS)).as("the demo finishes").isTrue();
    String out = new String(demo.getInputStream().readAllBytes());
    assertThat(demo.exitValue()).as(out).isZero();
    assertThat(out)
        .contains("palisade-demo: tiefighter -> deathstar:80 served")
        .contains("palisade-demo: xwing -> deathstar:80 refused")
        .contains("palisade-demo: tiefighter POST /v1/request-landing -> 200 Ship landed")
        .contains("palisade-demo: tiefighter PUT /v1/exhaust-port -> 403 Access denied")
        .contains("palisade-demo: xwing POST /v1/request-landing -> refused");
    // The demo names what it makes after its PID ("pd<pid>-node", "palisade-demo-<pid>"); other
    // tests running at the same time have namespaces of their own, which are not its business.
    String netns =
        new String(
            new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes());
    assertThat(netns).doesNotContain("pd" + demo.pid() + "-");
    try (var pins = Files.list(Path.of("/sys/fs/bpf"))) {
      assertThat(pins.map(p -> p.getFileName().toString()))
          .doesNotContain("palisade-demo-" + demo.pid());
    }
  }
}
