package io.palisade.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.palisade.pipeline.L7Policies;
import io.palisade.pipeline.model.NodeChanges;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Envoy, when one is on the PATH, takes the Star Wars config over ADS and acknowledges it:
 * what the translator and {@link ConfigValidator} pass, Envoy's own validation passes too. No Envoy
 * is installable on the build machines (no Debian package, no Maven or npm artifact), so there the
 * test reports that it did not run.
 */
class EnvoyBinaryTest {

  @TempDir Path dir;

  @Test
  void envoyAcknowledgesTheStarWarsConfig() throws Exception {
    Path envoy = onPath("envoy").orElse(null);
    if (envoy == null) {
      String why = "envoy is not on the PATH: the Envoy-binary test did not run";
      System.err.println("EnvoyBinaryTest: " + why);
      abort(why);
    }
    XdsPublisher publisher = new XdsPublisher(new Target.Envoy());
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(publisher.discoveryServer().getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
    Process p = null;
    try {
      publisher.publish(1, NodeChanges.of(L7Samples.state(L7Policies.DEATHSTAR_L7)));
      Path bootstrap = dir.resolve("bootstrap.yaml");
      Files.writeString(bootstrap, bootstrap(server.getPort()));
      p =
          new ProcessBuilder(
                  envoy.toString(),
                  "-c",
                  bootstrap.toString(),
                  "--base-id",
                  Long.toString(ProcessHandle.current().pid()),
                  "-l",
                  "warning")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("envoy.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!publisher.holds("node-a", 1)
          && publisher.failure("node-a").isEmpty()
          && p.isAlive()
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(publisher.failure("node-a")).as("Envoy's error_detail").isEmpty();
      assertThat(publisher.holds("node-a", 1))
          .as("Envoy acknowledged revision 1; its log:\n%s", log())
          .isTrue();
    } finally {
      if (p != null) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      publisher.close();
    }
  }

  private String log() throws Exception {
    Path log = dir.resolve("envoy.log");
    return Files.exists(log) ? Files.readString(log) : "(none)";
  }

  private static String bootstrap(int port) {
    return """
        node: {id: node-a, cluster: palisade}
        dynamic_resources:
          ads_config:
            api_type: GRPC
            transport_api_version: V3
            grpc_services: [{envoy_grpc: {cluster_name: palisade-xds}}]
          lds_config: {ads: {}, resource_api_version: V3}
          cds_config: {ads: {}, resource_api_version: V3}
        static_resources:
          clusters:
            - name: palisade-xds
              type: STATIC
              connect_timeout: 1s
              typed_extension_protocol_options:
                envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                  "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                  explicit_http_config: {http2_protocol_options: {}}
              load_assignment:
                cluster_name: palisade-xds
                endpoints:
                  - lb_endpoints:
                      - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """
        .formatted(port);
  }

  private static Optional<Path> onPath(String tool) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, tool))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
