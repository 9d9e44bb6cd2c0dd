package io.palisade.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.operator.identity.CiliumIdentityAllocator;
import io.palisade.operator.nodestate.NodeStateStore;
import io.palisade.operator.xds.L7Applier;
import io.palisade.operator.xds.XdsServer;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.policy.resolve.HostTraffic;
import io.palisade.xds.Target;
import io.palisade.xds.XdsPublisher;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** The operator's parts as CDI beans; the parts themselves know nothing of CDI. */
@ApplicationScoped
public class OperatorBeans {

  @Produces
  @Singleton
  Leadership leadership() {
    return new Leadership();
  }

  /**
   * Leader election by the Lease {@code palisade-operator} in the operator's namespace, so that two
   * replicas never both write status or collect identities; QOSDK turns it on in production.
   */
  @Produces
  @Singleton
  @Unremovable
  LeaderElectionConfiguration leaderElection(Leadership leadership) {
    return new LeaderElectionConfiguration(
        "palisade-operator",
        null,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        null,
        new LeaderCallbacks(leadership::started, leadership::stopped, leader -> {}),
        true);
  }

  /** Replaces QOSDK's default reconcile meters (one series per resource) with ours. */
  @Produces
  @Singleton
  Metrics reconcileMetrics(MeterRegistry registry) {
    return new ReconcileMetrics(registry);
  }

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

  /** The nodes' L7 configs for their Envoy proxies, served over ADS by the runtime. */
  @Produces
  @Singleton
  XdsPublisher xdsPublisher() {
    return new XdsPublisher(new Target.Envoy(), XdsServer::peerNode);
  }

  @Produces
  @Singleton
  Pipeline pipeline(
      ClusterInventory inventory,
      CiliumIdentityAllocator allocator,
      NodeStateStore store,
      XdsPublisher xds,
      @ConfigProperty(name = "palisade.host-traffic", defaultValue = "allowed")
          String hostTraffic) {
    Pipeline pipeline =
        new Pipeline(
            inventory,
            allocator,
            new L7Applier(store, xds),
            HostTraffic.parse("palisade.host-traffic", hostTraffic));
    Logger log = Logger.getLogger(Pipeline.class);
    pipeline.reportServiceErrorsTo(log::warn);
    return pipeline;
  }
}
