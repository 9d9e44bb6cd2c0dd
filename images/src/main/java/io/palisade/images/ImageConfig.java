package io.palisade.images;

import java.util.List;
import java.util.Map;

/**
 * What an image runs and as whom: the "config" object of the OCI image configuration.
 *
 * @param name the image's repository name, e.g. {@code palisade-node}
 * @param tag its tag, the project's version
 * @param user {@code UID:GID}, numeric so that Kubernetes can check {@code runAsNonRoot}
 */
record ImageConfig(
    String name,
    String tag,
    String user,
    List<String> entrypoint,
    List<String> cmd,
    List<String> env,
    String workingDir,
    Map<String, String> labels) {

  /** {@code name:tag}, how Kubernetes manifests and {@code podman} refer to the image. */
  String reference() {
    return name + ":" + tag;
  }
}
