package io.palisade.operator.inventory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.palisade.crds.cilium.CiliumCIDRGroup;
import io.palisade.crds.cilium.CiliumClusterwideNetworkPolicy;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.ClusterObjects;
import io.palisade.pipeline.inventory.PodMapping;
import io.palisade.pipeline.inventory.PolicyValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Informers that keep the inventory current: pods, namespaces, nodes, Services, EndpointSlices,
 * CIDR groups and the policy kinds. They are the inventory's one writer; the policy reconcilers
 * only read what the pipeline made of each generation, validated once for both. A Node, Service or
 * EndpointSlice that cannot be read is logged with every error at its field path and changes
 * nothing: its last good version stays. A watch that stops for good (an object its type cannot
 * read) would leave the inventory behind the cluster without a sign, so it is logged and {@link
 * #stopped()} says which, for the operator's liveness.
 */
public final class ClusterWatch implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ClusterWatch.class);

  private static final long RESYNC_MILLIS = 0;

  private final KubernetesClient client;
  private final ClusterInventory inventory;
  private final PolicyValidation validation;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final AtomicReference<String> stopped = new AtomicReference<>();
  private volatile boolean closing;

  public ClusterWatch(
      KubernetesClient client, ClusterInventory inventory, PolicyValidation validation) {
    this.client = client;
    this.inventory = inventory;
    this.validation = validation;
  }

  /** Whether every informer has listed its objects once: the inventory is whole. */
  public boolean synced() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Why a watch stopped for good, naming its kind; empty while every one runs. */
  public Optional<String> stopped() {
    return Optional.ofNullable(stopped.get());
  }

  public ClusterWatch start() {
    informers.add(
        client
            .pods()
            .inAnyNamespace()
            .inform(
                handler(
                    p ->
                        PodMapping.workload(p)
                            .ifPresentOrElse(
                                inventory::putWorkload, () -> inventory.removeWorkload(id(p))),
                    p -> inventory.removeWorkload(id(p))),
                RESYNC_MILLIS));
    informers.add(
        client
            .namespaces()
            .inform(
                handler(
                    (Namespace n) -> inventory.putNamespace(PodMapping.namespace(n)),
                    n -> inventory.removeNamespace(n.getMetadata().getName())),
                RESYNC_MILLIS));
    informers.add(
        client
            .nodes()
            .inform(
                handler(
                    (Node n) -> read(n, ClusterObjects::node).ifPresent(inventory::putNode),
                    n -> inventory.removeNode(n.getMetadata().getName())),
                RESYNC_MILLIS));
    informers.add(
        client
            .services()
            .inAnyNamespace()
            .inform(
                handler(
                    (Service s) ->
                        read(s, ClusterObjects::service).ifPresent(inventory::putService),
                    s -> inventory.removeService(id(s))),
                RESYNC_MILLIS));
    informers.add(
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inAnyNamespace()
            .inform(
                handler(
                    (EndpointSlice e) ->
                        read(e, ClusterObjects::endpoints).ifPresent(inventory::putEndpoints),
                    e -> inventory.removeEndpoints(id(e))),
                RESYNC_MILLIS));
    informers.add(
        client
            .resources(CiliumNetworkPolicy.class)
            .inAnyNamespace()
            .inform(policyHandler(), RESYNC_MILLIS));
    informers.add(
        client
            .resources(CiliumClusterwideNetworkPolicy.class)
            .inform(policyHandler(), RESYNC_MILLIS));
    informers.add(
        client
            .network()
            .v1()
            .networkPolicies()
            .inAnyNamespace()
            .inform(policyHandler(), RESYNC_MILLIS));
    informers.add(
        client
            .resources(CiliumCIDRGroup.class)
            .inform(
                handler(
                    inventory::putCidrGroup,
                    g -> inventory.removeCidrGroup(g.getMetadata().getName())),
                RESYNC_MILLIS));
    informers.forEach(this::noticeStop);
    return this;
  }

  private void noticeStop(SharedIndexInformer<?> informer) {
    informer
        .stopped()
        .whenComplete(
            (done, cause) -> {
              if (closing) {
                return;
              }
              String why =
                  "the watch of "
                      + HasMetadata.getPlural(informer.getApiTypeClass())
                      + " stopped: "
                      + (cause == null ? "closed" : rootMessage(cause));
              if (stopped.compareAndSet(null, why)) {
                LOG.errorf("%s; the inventory no longer follows the cluster", why);
              }
            });
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  private static String id(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  /** The object's record, or empty after logging every error: the last good one stays. */
  private static <K extends HasMetadata, T> Optional<T> read(
      K object, Function<K, ClusterObjects.Read<T>> reader) {
    ClusterObjects.Read<T> r = reader.apply(object);
    if (!r.errors().isEmpty()) {
      LOG.warnf(
          "%s %s is not taken, its last good version stays: %s",
          object.getKind(),
          object.getMetadata().getNamespace() == null ? object.getMetadata().getName() : id(object),
          String.join("; ", r.errors().stream().map(Object::toString).toList()));
    }
    return r.value();
  }

  private <T extends HasMetadata> ResourceEventHandler<T> policyHandler() {
    return handler(
        p -> inventory.putPolicy(validation.check(p)),
        p -> {
          inventory.removePolicy(PolicyValidation.refOf(p));
          validation.forget(PolicyValidation.refOf(p));
        });
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> upsert, Consumer<T> delete) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        upsert.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        upsert.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        delete.accept(obj);
      }
    };
  }

  @Override
  public void close() {
    closing = true;
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
