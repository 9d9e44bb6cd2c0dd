package io.palisade.pipeline.local;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.ClusterObjects;
import io.palisade.pipeline.model.NodeInfo;
import io.palisade.pipeline.model.ServiceEndpoints;
import io.palisade.pipeline.model.ServiceInfo;
import io.palisade.policy.cluster.Cluster;
import io.palisade.policy.cluster.ClusterParser;
import io.palisade.policy.identity.ReservedAddresses;
import io.palisade.policy.parse.FieldError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A cluster file: the multi-document YAML (or {@code kind: List}) {@code kubectl get -o yaml}
 * prints, of Namespaces, Pods, Nodes, Services and EndpointSlices, read with the same checks the
 * operator's informers apply. A file with any error is refused whole, so the last good one stays.
 */
public final class ClusterFile {

  /** What a cluster file holds. */
  public record Contents(
      Cluster cluster,
      List<NodeInfo> nodes,
      List<ServiceInfo> services,
      List<ServiceEndpoints> endpointSlices) {

    public static final Contents EMPTY =
        new Contents(new Cluster(List.of(), List.of()), List.of(), List.of(), List.of());

    public Contents {
      nodes = List.copyOf(nodes);
      services = List.copyOf(services);
      endpointSlices = List.copyOf(endpointSlices);
    }

    /** Namespaces and pods alone, as the files of earlier versions held. */
    public static Contents of(Cluster cluster) {
      return new Contents(cluster, List.of(), List.of(), List.of());
    }

    /** The API server's addresses: those of the EndpointSlices of {@code default/kubernetes}. */
    public Set<String> apiServer() {
      Set<String> out = new TreeSet<>();
      for (ServiceEndpoints s : endpointSlices) {
        if (s.serves(ClusterInventory.API_SERVER_NAMESPACE, ClusterInventory.API_SERVER_SERVICE)) {
          s.endpoints().forEach(e -> out.addAll(e.addresses()));
        }
      }
      return out;
    }

    /** The nodes' and the API server's addresses. */
    public ReservedAddresses addresses() {
      Map<String, Set<String>> byNode = new HashMap<>();
      nodes.forEach(n -> byNode.put(n.name(), Set.copyOf(n.addresses())));
      return new ReservedAddresses(byNode, apiServer());
    }

    /**
     * The Node that is this machine: the one named {@code named}, or without a name the file's only
     * Node; none when the file has no Node.
     *
     * @throws IllegalArgumentException when no Node has that name, or several Nodes and no name
     */
    public Optional<NodeInfo> localNode(Optional<String> named) {
      if (named.isPresent()) {
        return Optional.of(
            nodes.stream()
                .filter(n -> n.name().equals(named.get()))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "--node \""
                                + named.get()
                                + "\": the cluster file has no Node of that name ("
                                + names()
                                + ")")));
      }
      if (nodes.size() > 1) {
        throw new IllegalArgumentException(
            "the cluster file has "
                + nodes.size()
                + " Nodes ("
                + names()
                + "); say which one this machine is with --node NAME");
      }
      return nodes.stream().findFirst();
    }

    private String names() {
      return nodes.isEmpty()
          ? "it has none"
          : String.join(", ", nodes.stream().map(NodeInfo::name).sorted().toList());
    }
  }

  /** The contents, or every problem of the file (each naming its document and field path). */
  public record Result(Contents contents, List<FieldError> errors) {}

  private ClusterFile() {}

  public static Result read(Path file) {
    return of(new ClusterParser().parse(file));
  }

  public static Result read(String text) {
    return of(new ClusterParser().parse(text));
  }

  private static Result of(ClusterParser.Result parsed) {
    List<FieldError> errors = new ArrayList<>(parsed.errors());
    List<NodeInfo> nodes = new ArrayList<>();
    List<ServiceInfo> services = new ArrayList<>();
    List<ServiceEndpoints> slices = new ArrayList<>();
    for (ClusterParser.RawObject o : parsed.objects()) {
      switch (o.kind()) {
        case "Node" ->
            take(
                ClusterObjects.fromJson(o.where(), o.object(), Node.class, ClusterObjects::node),
                nodes,
                errors);
        case "Service" ->
            take(
                ClusterObjects.fromJson(
                    o.where(), o.object(), Service.class, ClusterObjects::service),
                services,
                errors);
        case "EndpointSlice" ->
            take(
                ClusterObjects.fromJson(
                    o.where(), o.object(), EndpointSlice.class, ClusterObjects::endpoints),
                slices,
                errors);
        default -> throw new IllegalStateException("not a kind the parser hands on: " + o.kind());
      }
    }
    return new Result(new Contents(parsed.cluster(), nodes, services, slices), errors);
  }

  private static <T> void take(ClusterObjects.Read<T> read, List<T> into, List<FieldError> errors) {
    read.value().ifPresent(into::add);
    errors.addAll(read.errors());
  }
}
