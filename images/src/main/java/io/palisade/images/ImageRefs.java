package io.palisade.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the images' references go for the rest of the world: {@code images.env} (shell and CI) and
 * {@code kustomization.yaml}, a kustomize Component whose {@code images:} entries set the tags of
 * {@code palisade-operator} and {@code palisade-node} in any overlay that includes it.
 */
final class ImageRefs {

  private ImageRefs() {}

  static String archiveName(ImageConfig image) {
    return image.name() + "-" + image.tag() + ".oci.tar";
  }

  static void write(Path dir, List<ImageConfig> images) throws IOException {
    StringBuilder env = new StringBuilder();
    StringBuilder kustomize =
        new StringBuilder(
            """
            # Written by the images module's build: the tags of the images it built.
            apiVersion: kustomize.config.k8s.io/v1alpha1
            kind: Component
            images:
            """);
    for (ImageConfig image : images) {
      String var = image.name().toUpperCase().replace('-', '_');
      env.append(var).append("_IMAGE=").append(image.reference()).append('\n');
      env.append(var)
          .append("_ARCHIVE=")
          .append(dir.resolve(archiveName(image)).toAbsolutePath())
          .append('\n');
      kustomize
          .append("  - name: ")
          .append(image.name())
          .append("\n    newName: ")
          .append(image.name())
          .append("\n    newTag: ")
          .append(quoted(image.tag()))
          .append('\n');
    }
    Files.writeString(dir.resolve("images.env"), env.toString());
    Files.writeString(dir.resolve("kustomization.yaml"), kustomize.toString());
  }

  private static String quoted(String s) {
    return "\"" + s + "\"";
  }
}
