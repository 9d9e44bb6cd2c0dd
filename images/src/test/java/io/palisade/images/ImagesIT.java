package io.palisade.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The images the build made, run with podman without network: the CLI's {@code --version} and
 * {@code validate} in both, the node daemon's entry point, the operator as a non-root user and up
 * to its first call to the Kubernetes API.
 */
class ImagesIT {

  static final Path OUTPUT = Path.of(System.getProperty("images.output", "target/images"));
  static final Path SAMPLES = Path.of(System.getProperty("images.samples", "../config/samples"));
  static final String VERSION = System.getProperty("images.version");

  static Podman podman;
  static Properties refs = new Properties();
  static Path work;

  @BeforeAll
  static void load() throws Exception {
    try (var in = Files.newInputStream(OUTPUT.resolve("images.env"))) {
      refs.load(in);
    }
    work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "podman-");
    podman = new Podman(work.resolve("podman"));
    for (String image : List.of("PALISADE_NODE", "PALISADE_OPERATOR")) {
      String loaded = podman.load(Path.of(refs.getProperty(image + "_ARCHIVE")));
      assertThat(loaded).contains(refs.getProperty(image + "_IMAGE"));
    }
  }

  @AfterAll
  static void unload() throws Exception {
    try {
      if (podman != null) {
        podman.close();
      }
    } finally {
      JavaRuntime.deleteTree(work);
    }
  }

  @Test
  void theReferencesCarryTheProjectVersion() {
    assertThat(refs.getProperty("PALISADE_NODE_IMAGE")).isEqualTo("palisade-node:" + VERSION);
    assertThat(refs.getProperty("PALISADE_OPERATOR_IMAGE"))
        .isEqualTo("palisade-operator:" + VERSION);
  }

  @Test
  void bothImagesTellTheirVersion() throws Exception {
    for (String image : images()) {
      Podman.Run r = podman.run(List.of("--entrypoint", "palisade"), image, "--version");
      assertThat(r.exitCode()).as(image + ": " + r.stderr()).isZero();
      assertThat(r.stdout()).as(image).startsWith("palisade ");
    }
  }

  @Test
  void bothImagesValidateAMountedValidFile() throws Exception {
    for (String image : images()) {
      Podman.Run r =
          podman.run(
              List.of("--entrypoint", "palisade", "-v", SAMPLES.toAbsolutePath() + ":/samples:ro"),
              image,
              "validate",
              "/samples/policies/deathstar-l3-l4.yaml");
      assertThat(r.exitCode()).as(image + ": " + r.stdout() + r.stderr()).isZero();
      assertThat(r.stdout() + r.stderr()).as(image).contains("1 policy documents are valid");
    }
  }

  @Test
  void bothImagesRefuseAnInvalidFileWithItsErrorLine() throws Exception {
    Path bad = Files.createDirectories(work.resolve("bad"));
    Files.writeString(
        bad.resolve("bad.yaml"),
        """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: p
          namespace: prod
        spec:
          endpointSelector: {}
          egress:
            - toCIDRSet:
                - cidr: 10.0.0.0/33
        """);
    for (String image : images()) {
      Podman.Run r =
          podman.run(
              List.of("--entrypoint", "palisade", "-v", bad + ":/in:ro"),
              image,
              "validate",
              "/in/bad.yaml");
      assertThat(r.exitCode()).as(image + ": " + r.stdout() + r.stderr()).isEqualTo(1);
      assertThat(r.stdout() + r.stderr())
          .as(image)
          .contains(
              "CiliumNetworkPolicy prod/p: spec.egress[0].toCIDRSet[0].cidr: \"10.0.0.0/33\" is not"
                  + " a valid CIDR");
    }
  }

  @Test
  void theNodeImageRunsTheStreamingDaemonAsRoot() throws Exception {
    String node = refs.getProperty("PALISADE_NODE_IMAGE");
    // Its entry point is "palisade-node node-daemon": without --node and --operator it must say
    // so, which shows the daemon's classes and libbpf's binding load in the image.
    Podman.Run usage = podman.run(List.of(), node);
    assertThat(usage.exitCode()).as(usage.stderr()).isEqualTo(2);
    assertThat(usage.stderr()).contains("--node is required", "usage: palisade-node node-daemon");
    Podman.Run id = podman.run(List.of("--entrypoint", "id"), node, "-u");
    assertThat(id.stdout().strip()).isEqualTo("0");
    Podman.Run libs =
        podman.run(
            List.of("--entrypoint", "sh"),
            node,
            "-c",
            "ip -V && ls /usr/lib/x86_64-linux-gnu/libbpf.so.1");
    assertThat(libs.exitCode()).as(libs.stderr()).isZero();
    assertThat(libs.stdout()).contains("libbpf", "libbpf.so.1");
  }

  @Test
  void theOperatorImageRunsAsItsOwnUserUpToTheKubernetesApi() throws Exception {
    String operator = refs.getProperty("PALISADE_OPERATOR_IMAGE");
    Podman.Run id = podman.run(List.of("--entrypoint", "id"), operator);
    assertThat(id.stdout().strip())
        .isEqualTo("uid=65532(palisade) gid=65532(palisade) groups=65532(palisade)");
    // Without network the operator gets as far as its first API call: Quarkus, the reconcilers
    // and the fabric8 client all started on the linked runtime.
    Podman.Run run = podman.run(List.of(), operator);
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stdout() + run.stderr())
        .contains("UnknownHostException: kubernetes.default.svc")
        .doesNotContain("ClassNotFoundException", "NoClassDefFoundError");
  }

  private static List<String> images() {
    return List.of(
        refs.getProperty("PALISADE_NODE_IMAGE"), refs.getProperty("PALISADE_OPERATOR_IMAGE"));
  }
}
