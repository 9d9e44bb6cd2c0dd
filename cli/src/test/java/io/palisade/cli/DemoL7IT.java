package io.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's second demo end to end on real packets: standalone mode enforces Cilium's Kafka Star
 * Wars policy and a toFQDNs policy in network namespaces, Apache Kafka's own broker and clients and
 * dnsmasq run in them; a topic is refused, a name allowed, another refused, an address no answer
 * gave dropped, and nothing is left behind.
 */
class DemoL7IT {

  @Test
  void aKafkaTopicIsRefusedAndOneNameIsAllowed() throws Exception {
    boolean root =
        "0"
            .equals(
                new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
                    .trim());
    assumeTrue(root, "the demo needs root (network namespaces and eBPF); CI runs as root");
    long start = System.nanoTime();
    Process demo = new ProcessBuilder("../bin/palisade-demo-l7").redirectErrorStream(true).start();
    assertThat(demo.waitFor(400, TimeUnit.SECONDS)).as("the demo finishes").isTrue();
    String out = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    System.out.printf(
        "%s%nthe demo took %d s%n", out, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    assertThat(demo.exitValue()).as(out).isZero();
    assertThat(out)
        .contains(
            "palisade-demo-l7: probe-droid -> 198.51.100.80:80 (before any answer) -> dropped")
        .contains(
            "palisade-demo-l7: probe-droid resolves hoth.outer-rim.example -> 198.51.100.80;"
                + " GET http://hoth.outer-rim.example/ -> 200")
        .contains("palisade-demo-l7: probe-droid resolves yavin.rebels.example -> REFUSED")
        .contains(
            "palisade-demo-l7: probe-droid -> 198.51.100.81:80 (yavin's address, which no answer"
                + " gave) -> dropped")
        .contains("palisade-demo-l7: empire-hq produce empire-announce -> PRODUCED Vader is coming")
        .contains(
            "palisade-demo-l7: empire-outpost consume empire-announce -> CONSUMED Vader is coming")
        .contains(
            "palisade-demo-l7: empire-outpost consume deathstar-plans ->"
                + " TopicAuthorizationException (refused)")
        .contains(
            "palisade-demo-l7: empire-outpost produce empire-announce ->"
                + " TopicAuthorizationException (refused)");
    assertNothingLeft("pl" + demo.pid());
    try (var pins = Files.list(Path.of("/sys/fs/bpf"))) {
      assertThat(pins.map(p -> p.getFileName().toString()))
          .doesNotContain("palisade-demo-l7-" + demo.pid());
    }
  }

  /**
   * The demo names what it makes after its PID ("pl<pid>-node", "/tmp/pl<pid>.*", and every program
   * it starts carries it in its command line); other tests running at the same time have namespaces
   * and processes of their own, which are not its business.
   */
  private static void assertNothingLeft(String tag) throws IOException {
    String netns =
        new String(
            new ProcessBuilder("ip", "netns", "list").start().getInputStream().readAllBytes());
    assertThat(netns).doesNotContain(tag + "-");
    List<String> processes = new ArrayList<>();
    try (var proc = Files.list(Path.of("/proc"))) {
      for (Path p : proc.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmd.contains(tag + "-") || cmd.contains(tag + ".") || cmd.contains(" " + tag + " ")) {
            processes.add(p.getFileName() + ": " + cmd);
          }
        } catch (IOException e) {
          // the process ended while the list was read
        }
      }
    }
    assertThat(processes).as("processes the demo started").isEmpty();
    try (var tmp = Files.list(Path.of("/tmp"))) {
      assertThat(tmp.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.startsWith(tag + "."));
    }
  }
}
