package io.palisade.install;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * Rules across objects that no schema states: what the API server refuses only at apply time, and
 * what Palisade's manifests promise (placeholder images replaced, no Secrets in a ClusterRole,
 * Services whose named ports exist, webhooks pointing at a Service that exists).
 */
final class Workloads {

  static final String IMAGE_PREFIX = "localhost/palisade/";

  private Workloads() {}

  static List<String> check(List<JsonNode> objects) {
    List<String> errors = new ArrayList<>();
    for (JsonNode o : objects) {
      String id = ManifestCheck.id(o);
      JsonNode pod = o.path("spec").path("template").path("spec");
      for (JsonNode c : containers(pod)) {
        errors.addAll(container(id + " container " + c.path("name").asText(), c));
      }
      if (o.path("kind").asText().equals("ClusterRole")) {
        for (JsonNode rule : o.path("rules")) {
          for (JsonNode r : rule.path("resources")) {
            if (r.asText().equals("secrets") || r.asText().equals("*")) {
              errors.add(id + ": grants " + r.asText() + " cluster-wide; use a Role per namespace");
            }
          }
        }
      }
      if (o.path("kind").asText().equals("Service")) {
        errors.addAll(servicePorts(id, o, objects));
      }
      if (o.path("kind").asText().equals("ValidatingWebhookConfiguration")) {
        errors.addAll(webhooks(id, o, objects));
      }
    }
    return errors;
  }

  private static List<String> container(String where, JsonNode c) {
    List<String> errors = new ArrayList<>();
    String image = c.path("image").asText();
    if (!image.startsWith(IMAGE_PREFIX)) {
      errors.add(where + ": image " + image + " is not replaced by the images: of a kustomization");
    }
    JsonNode sc = c.path("securityContext");
    boolean privileged = sc.path("privileged").asBoolean(false);
    for (JsonNode m : c.path("volumeMounts")) {
      if (m.path("mountPropagation").asText().equals("Bidirectional") && !privileged) {
        errors.add(
            where
                + ": mount "
                + m.path("name").asText()
                + " is Bidirectional, which the API server allows only to privileged containers");
      }
    }
    boolean sysAdmin =
        StreamSupport.stream(sc.path("capabilities").path("add").spliterator(), false)
            .anyMatch(a -> a.asText().equals("SYS_ADMIN") || a.asText().equals("CAP_SYS_ADMIN"));
    if (sysAdmin && sc.path("allowPrivilegeEscalation").asText().equals("false")) {
      errors.add(where + ": allowPrivilegeEscalation false with SYS_ADMIN is refused by the API");
    }
    return errors;
  }

  /** A named targetPort must be a port name of a container the selector picks. */
  private static List<String> servicePorts(String id, JsonNode svc, List<JsonNode> objects) {
    List<String> errors = new ArrayList<>();
    JsonNode selector = svc.path("spec").path("selector");
    List<JsonNode> pods =
        objects.stream()
            .filter(
                o ->
                    o.path("metadata")
                        .path("namespace")
                        .equals(svc.path("metadata").path("namespace")))
            .map(o -> o.path("spec").path("template"))
            .filter(t -> selects(selector, t.path("metadata").path("labels")))
            .toList();
    if (pods.isEmpty()) {
      return List.of(id + ": selects no pod template");
    }
    for (JsonNode p : svc.path("spec").path("ports")) {
      JsonNode target = p.path("targetPort");
      if (!target.isTextual()) {
        continue;
      }
      boolean found =
          pods.stream()
              .flatMap(t -> containers(t.path("spec")).stream())
              .flatMap(c -> StreamSupport.stream(c.path("ports").spliterator(), false))
              .anyMatch(cp -> cp.path("name").asText().equals(target.asText()));
      if (!found) {
        errors.add(id + ": targetPort " + target.asText() + " names no container port");
      }
    }
    return errors;
  }

  private static List<String> webhooks(String id, JsonNode config, List<JsonNode> objects) {
    List<String> errors = new ArrayList<>();
    for (JsonNode w : config.path("webhooks")) {
      String where = id + " webhook " + w.path("name").asText();
      JsonNode svc = w.path("clientConfig").path("service");
      boolean exists =
          objects.stream()
              .anyMatch(
                  o ->
                      o.path("kind").asText().equals("Service")
                          && o.path("metadata").path("name").equals(svc.path("name"))
                          && o.path("metadata").path("namespace").equals(svc.path("namespace"))
                          && StreamSupport.stream(o.path("spec").path("ports").spliterator(), false)
                              .anyMatch(p -> p.path("port").equals(svc.path("port"))));
      if (!exists) {
        errors.add(where + ": calls Service " + svc + ", which is not rendered with that port");
      }
      for (String required : List.of("failurePolicy", "timeoutSeconds", "sideEffects")) {
        if (!w.has(required)) {
          errors.add(where + ": " + required + " is left to the API server's default");
        }
      }
    }
    return errors;
  }

  private static boolean selects(JsonNode selector, JsonNode labels) {
    if (selector.isMissingNode() || selector.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> e : selector.properties()) {
      if (!labels.path(e.getKey()).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  static List<JsonNode> containers(JsonNode podSpec) {
    List<JsonNode> out = new ArrayList<>();
    podSpec.path("initContainers").forEach(out::add);
    podSpec.path("containers").forEach(out::add);
    return out;
  }
}
