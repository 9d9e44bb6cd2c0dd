package io.palisade.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.inventory.ClusterInventory;
import io.palisade.operator.inventory.Pipeline;
import io.palisade.operator.inventory.PolicyValidation;
import io.palisade.operator.model.NodeStateComputer;
import io.palisade.operator.nodestate.NodeStateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The operator's parts as CDI beans; the parts themselves know nothing of CDI. */
@ApplicationScoped
public class OperatorBeans {

  @Produces
  @Singleton
  NodeStateStore nodeStateStore() {
    return new NodeStateStore();
  }

  @Produces
  @Singleton
  CiliumIdentityAllocator identityAllocator(KubernetesClient client) {
    CiliumIdentityAllocator allocator = new CiliumIdentityAllocator(client);
    allocator.resync();
    return allocator;
  }

  @Produces
  @Singleton
  ClusterInventory inventory() {
    return new ClusterInventory();
  }

  @Produces
  @Singleton
  PolicyValidation validation() {
    return new PolicyValidation();
  }

  @Produces
  @Singleton
  Pipeline pipeline(
      ClusterInventory inventory, CiliumIdentityAllocator allocator, NodeStateStore store) {
    return new Pipeline(inventory, new NodeStateComputer(allocator), store);
  }
}
