package io.palisade.node.datapath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.palisade.node.harness.BpfFsGuard;
import io.palisade.node.harness.FileModePipeline;
import io.palisade.node.harness.NetNs;
import io.palisade.node.harness.PodSpec;
import io.palisade.node.harness.Privileges;
import io.palisade.node.harness.Probes;
import io.palisade.node.harness.Topology;
import io.palisade.node.harness.TransparentListener;
import io.palisade.pipeline.local.LocalPipeline;
import io.palisade.policy.load.PolicyLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The daemon's path to the proxy (file mode and {@code standalone --enforce} with {@code --l7-proxy
 * envoy}): the sample Star Wars L7 policy and the sample cluster go through the pipeline into a
 * {@link DatapathApplier} with a {@link ListeningProxy}; the deathstar's port 80 drops while no
 * proxy listens on 15080, and once a transparent listener does, the next refresh makes the port
 * ready and the tiefighter's connection reaches it with the deathstar as its local address.
 */
class ProxyWiringIT {

  static final Path SAMPLES = Path.of("..", "config", "samples");
  static final String DEATHSTAR = "10.42.0.10";
  static final String TIEFIGHTER = "10.42.0.11";
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  @Test
  void aRedirectGoesToTheNodesProxyOnlyWhileItListens() throws Exception {
    Privileges.requireRoot();
    String run = UUID.randomUUID().toString().substring(0, 6);
    Path pins = Path.of("/sys/fs/bpf/palisade-test-" + run);
    try (BpfFsGuard bpfFs = new BpfFsGuard();
        Topology t =
            Topology.create(
                run,
                List.of(
                    new PodSpec(
                        "default",
                        "deathstar",
                        Map.of("org", "empire", "class", "deathstar"),
                        DEATHSTAR),
                    new PodSpec(
                        "default",
                        "tiefighter",
                        Map.of("org", "empire", "class", "tiefighter"),
                        TIEFIGHTER)),
                List.of())) {
      try (Datapath dp = t.node().call(() -> Datapath.open(pins));
          NodeProxy proxy = t.node().call(() -> L7ProxyMode.envoy.start(dp).orElseThrow())) {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> scenario(t, dp, proxy));
      } finally {
        t.node().call(() -> ProxyRouting.uninstall(false));
        Datapath.unpinAll(pins);
      }
    }
  }

  private void scenario(Topology t, Datapath dp, NodeProxy proxy) throws Exception {
    DatapathApplier applier = new DatapathApplier(dp, "local", t.finder()).withProxy(proxy);
    LocalPipeline pipeline =
        FileModePipeline.of(
            applier,
            "samples",
            new PolicyLoader().load(List.of(SAMPLES.resolve("l7/deathstar-l7.yaml"))),
            Files.readString(SAMPLES.resolve("cluster.yaml")));
    t.node().call(pipeline::run);
    assertThat(applier.pending()).isEmpty();
    NetNs tiefighter = t.pod("default/tiefighter").netns();

    assertThat(dp.readyProxyPorts()).as("nothing listens on 15080").isEmpty();
    assertThat(Probes.tcp(tiefighter, DEATHSTAR, 80, TIMEOUT)).as("no proxy: dropped").isFalse();
    assertThat(applier.l7Failure("local", applier.revision())).isPresent();

    try (TransparentListener envoy = TransparentListener.start(t.node(), 15080)) {
      t.node()
          .call(
              () -> {
                applier.refresh();
                return null;
              });
      assertThat(dp.readyProxyPorts()).isEqualTo(Set.of(15080));
      try (SocketChannel ch = Probes.open(tiefighter, DEATHSTAR, 80, TIMEOUT)) {
        ch.socket().setSoTimeout((int) TIMEOUT.toMillis() * 2);
        String first =
            new BufferedReader(
                    new InputStreamReader(ch.socket().getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertThat(first).matches("local " + DEATHSTAR + ":80 peer " + TIEFIGHTER + ":\\d+");
      }
    }
    t.node()
        .call(
            () -> {
              applier.refresh();
              return null;
            });
    assertThat(dp.readyProxyPorts()).as("the listener is gone").isEmpty();
    assertThat(Probes.tcp(tiefighter, DEATHSTAR, 80, TIMEOUT)).as("dropped again").isFalse();
  }
}
