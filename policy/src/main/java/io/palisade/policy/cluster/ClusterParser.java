package io.palisade.policy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.palisade.policy.Protocol;
import io.palisade.policy.load.YamlDocuments;
import io.palisade.policy.parse.FieldError;
import io.palisade.policy.resolve.NamedPort;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a cluster inventory: multi-document YAML of Kubernetes Namespace and Pod objects (also
 * inside a {@code List}), as {@code kubectl get -o yaml} prints them. Node, Service and
 * EndpointSlice objects are handed on unread, each with where it stands, for the pipeline to read;
 * other kinds are ignored; a malformed Namespace or Pod is an error.
 */
public final class ClusterParser {

  /** The kinds handed on as they are: the pipeline reads them. */
  public static final Set<String> OTHER_KINDS = Set.of("Node", "Service", "EndpointSlice");

  /**
   * An object of one of {@link #OTHER_KINDS}, and where it stands ({@code document 2 items[0]}).
   */
  public record RawObject(String where, String kind, JsonNode object) {}

  /** The cluster and the objects handed on, or every problem found in the inventory. */
  public record Result(Cluster cluster, List<RawObject> objects, List<FieldError> errors) {

    public Result(Cluster cluster, List<FieldError> errors) {
      this(cluster, List.of(), errors);
    }
  }

  private final YamlDocuments yaml = new YamlDocuments();

  public Result parse(Path file) {
    try {
      return parse(YamlDocuments.readText(file));
    } catch (YamlDocuments.UnreadableFileException e) {
      return failed(e.getMessage());
    }
  }

  public Result parse(String text) {
    List<Namespace> namespaces = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    List<RawObject> objects = new ArrayList<>();
    List<FieldError> errors = new ArrayList<>();
    YamlDocuments.Split split = yaml.split(text);
    int index = 0;
    for (JsonNode doc : split.documents()) {
      collect(doc, "document " + index++, namespaces, pods, objects, errors);
    }
    split.problem().ifPresent(p -> errors.add(new FieldError("", p)));
    return new Result(new Cluster(namespaces, pods), objects, errors);
  }

  private void collect(
      JsonNode doc,
      String where,
      List<Namespace> ns,
      List<Pod> pods,
      List<RawObject> objects,
      List<FieldError> errors) {
    if (doc == null || doc.isNull() || doc.isMissingNode()) {
      return;
    }
    String kind = doc.path("kind").asText("");
    if (OTHER_KINDS.contains(kind)) {
      objects.add(new RawObject(where, kind, doc));
      return;
    }
    switch (kind) {
      case "List", "NamespaceList", "PodList", "NodeList", "ServiceList", "EndpointSliceList" -> {
        int i = 0;
        for (JsonNode item : doc.path("items")) {
          collect(item, where + " items[" + i++ + "]", ns, pods, objects, errors);
        }
      }
      case "Namespace" ->
          name(doc, where, errors).ifPresent(n -> ns.add(new Namespace(n, labels(doc))));
      case "Pod" -> pod(doc, where, errors).ifPresent(pods::add);
      default -> {}
    }
  }

  private static Optional<String> name(JsonNode doc, String where, List<FieldError> errors) {
    String name = doc.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      errors.add(
          new FieldError(
              where + " metadata.name", "a " + doc.path("kind").asText() + " needs a name"));
      return Optional.empty();
    }
    return Optional.of(name);
  }

  private static Map<String, String> labels(JsonNode doc) {
    Map<String, String> labels = new TreeMap<>();
    doc.path("metadata")
        .path("labels")
        .properties()
        .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return labels;
  }

  private static Optional<Pod> pod(JsonNode doc, String where, List<FieldError> errors) {
    Optional<String> name = name(doc, where, errors);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    String namespace = doc.path("metadata").path("namespace").asText("default");
    String ip = doc.path("status").path("podIP").asText("");
    if (!ip.isEmpty() && io.palisade.policy.identity.CidrPrefix.parseAddress(ip).isEmpty()) {
      errors.add(new FieldError(where + " status.podIP", "\"" + ip + "\" is not an IP address"));
      return Optional.empty();
    }
    Set<NamedPort> ports = new HashSet<>();
    JsonNode containers = doc.path("spec").path("containers");
    for (int c = 0; c < containers.size(); c++) {
      JsonNode list = containers.get(c).path("ports");
      for (int i = 0; i < list.size(); i++) {
        JsonNode port = list.get(i);
        String portName = port.path("name").asText("");
        if (portName.isEmpty()) {
          continue;
        }
        String path = where + " spec.containers[" + c + "].ports[" + i + "]";
        int number = port.path("containerPort").asInt(-1);
        Optional<Protocol> proto = Protocol.parse(port.path("protocol").asText("TCP"));
        if (number < 1 || number > 65535) {
          errors.add(new FieldError(path + ".containerPort", "must be a port number 1-65535"));
        } else if (proto.isEmpty() || !proto.get().hasPorts()) {
          errors.add(new FieldError(path + ".protocol", "must be TCP, UDP or SCTP"));
        } else {
          ports.add(new NamedPort(portName.toLowerCase(Locale.ROOT), proto.get(), number));
        }
      }
    }
    String sa = doc.path("spec").path("serviceAccountName").asText("");
    return Optional.of(
        new Pod(
            namespace,
            name.get(),
            labels(doc),
            sa.isEmpty() ? Optional.empty() : Optional.of(sa),
            ip.isEmpty() ? Optional.empty() : Optional.of(ip),
            ports));
  }

  private static Result failed(String message) {
    return new Result(new Cluster(List.of(), List.of()), List.of(new FieldError("", message)));
  }
}
