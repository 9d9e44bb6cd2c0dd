package io.palisade.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder's command line, the mmdebstrap call it makes, and the references it writes. */
class BuildOptionsTest {

  @TempDir Path dir;

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                BuildOptions.parse(
                    "--version", "1.0 beta", "--cli-jar", "/nope.jar", "--bogus", "x"))
        .hasMessageContaining("unknown option --bogus")
        .hasMessageContaining("--output is required")
        .hasMessageContaining("--operator-app is required");
  }

  @Test
  void missingInputsAndABadTagAreNamed() throws Exception {
    Path app = Files.createDirectories(dir.resolve("quarkus-app"));
    assertThatThrownBy(
            () ->
                BuildOptions.parse(
                    "--version",
                    "1.0 beta",
                    "--output",
                    "o",
                    "--work",
                    "w",
                    "--cli-jar",
                    dir.resolve("palisade.jar").toString(),
                    "--operator-app",
                    app.toString(),
                    "--jdk",
                    "/jdk",
                    "--suite",
                    "bookworm",
                    "--mirror",
                    "m",
                    "--security-mirror",
                    "s",
                    "--source-date-epoch",
                    "0"))
        .hasMessageContaining("--cli-jar " + dir.resolve("palisade.jar") + ": no such file")
        .hasMessageContaining("--operator-app " + app + ": no quarkus-run.jar")
        .hasMessageContaining("--version 1.0 beta: not a valid image tag");
  }

  @Test
  void theRootFileSystemComesFromTheSuiteItsUpdatesAndSecurityOnly() {
    DebianRootfs debian =
        new DebianRootfs(
            "bookworm", "http://deb.debian.org/debian", "http://deb.debian.org/debian-security", 0);
    List<String> cmd =
        debian.command(List.of("libbpf1", "iproute2"), List.of("echo hi"), Path.of("r.tar"));
    assertThat(cmd)
        .startsWith("mmdebstrap")
        .contains("--variant=essential", "--include=libbpf1,iproute2", "--customize-hook=echo hi")
        .endsWith(
            "bookworm",
            "r.tar",
            "deb http://deb.debian.org/debian bookworm main",
            "deb http://deb.debian.org/debian bookworm-updates main",
            "deb http://deb.debian.org/debian-security bookworm-security main");
  }

  @Test
  void theReferencesAreWrittenForShellsAndKustomize() throws Exception {
    ImageConfig node =
        new ImageConfig(
            "palisade-node",
            "0.1.0-SNAPSHOT",
            "0:0",
            List.of(),
            List.of(),
            List.of(),
            "/",
            java.util.Map.of());
    ImageRefs.write(dir, List.of(node));
    assertThat(Files.readString(dir.resolve("images.env")))
        .contains("PALISADE_NODE_IMAGE=palisade-node:0.1.0-SNAPSHOT\n")
        .contains("PALISADE_NODE_ARCHIVE=" + dir.resolve("palisade-node-0.1.0-SNAPSHOT.oci.tar"));
    assertThat(Files.readString(dir.resolve("kustomization.yaml")))
        .contains("kind: Component")
        .contains(
            """
              - name: palisade-node
                newName: palisade-node
                newTag: "0.1.0-SNAPSHOT"
            """);
  }
}
