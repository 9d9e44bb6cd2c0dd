package io.palisade.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a cluster may apply: each overlay, the base alone, the base with each component and with all
 * of them, the Argo CD component merged into an Argo CD installation, and the uninstall set. The
 * combinations are written as kustomizations under {@code target/}, as a user's own overlay would
 * name the base and components.
 */
final class Renderings {

  static final List<String> COMPONENTS = List.of("cilium-crds", "cert-manager", "prometheus");
  private static final Path WORK = Path.of("target/kustomize-combinations").toAbsolutePath();

  private Renderings() {}

  /** Every directory to render, by a name for the test report. */
  static List<Rendering> all() {
    List<Rendering> out = new java.util.ArrayList<>();
    out.add(new Rendering("overlays/production", Kustomize.TREE.resolve("overlays/production")));
    out.add(new Rendering("overlays/dev", Kustomize.TREE.resolve("overlays/dev")));
    out.add(new Rendering("base", Kustomize.TREE.resolve("base")));
    out.add(new Rendering("uninstall", Kustomize.TREE.resolve("uninstall")));
    for (String c : COMPONENTS) {
      out.add(combination("base+" + c, List.of(c)));
    }
    out.add(combination("base+all-components", COMPONENTS));
    return out;
  }

  /** A named directory holding a kustomization. */
  record Rendering(String name, Path dir) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A kustomization of the base with {@code components}, written under target/. */
  static Rendering combination(String name, List<String> components) {
    Path dir = WORK.resolve(name.replace('+', '_'));
    write(
        dir,
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - "
            + rel(dir, Kustomize.TREE.resolve("base"))
            + "\ncomponents:\n"
            + components.stream()
                .map(c -> "  - " + rel(dir, Kustomize.TREE.resolve("components/" + c)) + "\n")
                .collect(Collectors.joining()));
    return new Rendering(name, dir);
  }

  /** A kustomization of {@code overlay} plus extra text (patches), written under target/. */
  static Path overlayWith(String name, String overlay, String extra) {
    Path dir = WORK.resolve(name);
    write(
        dir,
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - "
            + rel(dir, Kustomize.TREE.resolve(overlay))
            + "\n"
            + extra);
    return dir;
  }

  static String rel(Path from, Path to) {
    return from.relativize(to).toString();
  }

  static void write(Path dir, String kustomization) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("kustomization.yaml"), kustomization);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeFile(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
