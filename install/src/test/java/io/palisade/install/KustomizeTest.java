package io.palisade.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay and combination of components renders, and every object in it is valid. */
class KustomizeTest {

  static CrdSchemas schemas;

  @BeforeAll
  static void loadSchemas() {
    schemas = CrdSchemas.load();
  }

  static List<Renderings.Rendering> renderings() {
    return Renderings.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderings")
  void rendersAndEveryObjectIsValidStrictly(Renderings.Rendering r) {
    List<JsonNode> objects = Kustomize.render(r.dir());

    assertThat(objects).isNotEmpty();
    assertThat(new ManifestCheck(schemas).check(objects)).as(r.name()).isEmpty();
  }

  @Test
  void theArgoCdComponentMergesTheHealthChecksIntoArgoCdsOwnConfigMap() {
    Path install = Path.of("target/kustomize-combinations/argocd").toAbsolutePath();
    Renderings.writeFile(
        install.resolve("argocd-cm.yaml"),
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: argocd-cm
          namespace: argocd
        data:
          url: https://argocd.example.com
        """);
    Renderings.write(
        install,
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
            + "  - argocd-cm.yaml\ncomponents:\n  - "
            + Renderings.rel(install, Kustomize.TREE.resolve("components/argocd"))
            + "\n");

    List<JsonNode> objects = Kustomize.render(install);

    assertThat(new ManifestCheck(schemas).check(objects)).isEmpty();
    assertThat(objects).hasSize(1);
    JsonNode cm = objects.getFirst();
    assertThat(cm.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
    assertThat(cm.path("data").path("url").asText()).isEqualTo("https://argocd.example.com");
    String script = readString(Kustomize.TREE.resolve("components/argocd/health.lua"));
    for (String kind :
        List.of(
            "cilium.io_CiliumNetworkPolicy",
            "cilium.io_CiliumClusterwideNetworkPolicy",
            "palisade.io_PolicySource")) {
      assertThat(cm.path("data").path("resource.customizations.health." + kind).asText())
          .as(kind)
          .isEqualTo(script);
    }
  }

  @Test
  void theCrdCopiesInKustomizeAreTheGeneratedOnes() throws IOException {
    Path base = Kustomize.TREE.resolve("base/crds/policysources.palisade.io-v1.yml");
    assertThat(base).hasSameTextualContentAs(CrdSchemas.PALISADE_CRDS.resolve(base.getFileName()));
    try (Stream<Path> files = Files.list(CrdSchemas.PALISADE_CRDS)) {
      for (Path crd : files.filter(f -> f.getFileName().toString().startsWith("cilium")).toList()) {
        assertThat(Kustomize.TREE.resolve("components/cilium-crds").resolve(crd.getFileName()))
            .hasSameTextualContentAs(crd);
      }
    }
  }

  @Test
  void theBaseBringsNoCiliumCrdSoApplyingItNeverReplacesCiliumsOwn() {
    List<JsonNode> objects = Kustomize.render(Kustomize.TREE.resolve("overlays/production"));

    assertThat(objects)
        .filteredOn(o -> o.path("kind").asText().equals("CustomResourceDefinition"))
        .extracting(o -> o.path("metadata").path("name").asText())
        .containsExactly("policysources.palisade.io");
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
