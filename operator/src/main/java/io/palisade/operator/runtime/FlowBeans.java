package io.palisade.operator.runtime;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.operator.flows.FlowAccess;
import io.palisade.operator.flows.FlowRoutes;
import io.palisade.operator.flows.FlowsService;
import io.palisade.pipeline.Pipeline;
import io.palisade.pipeline.flows.FlowNaming;
import io.palisade.pipeline.flows.FlowRing;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The daemons' relayed flows: one ring of the recent ones for the whole cluster, named from the
 * operator's pipeline, served by gRPC beside node state and on the HTTP port as {@code /api/flows}.
 */
@ApplicationScoped
public class FlowBeans {

  /** Recent flows kept, from every node. */
  public static final String RECENT = "palisade.flows.recent";

  @Produces
  @Singleton
  FlowRing flowRing(@ConfigProperty(name = RECENT, defaultValue = "100000") int recent) {
    if (recent < 1) {
      throw new IllegalArgumentException(
          RECENT + ": " + recent + " is not a number of flows (1 or more)");
    }
    return new FlowRing(recent);
  }

  /**
   * A policy without the PolicySource's marks reads as {@code kubectl}, as on {@code
   * /api/policies}.
   */
  @Produces
  @Singleton
  FlowNaming flowNaming(Pipeline pipeline) {
    return new FlowNaming(pipeline, () -> "kubectl");
  }

  /** Built when the node-state server starts, which knows whether peers are pinned to nodes. */
  static FlowsService service(
      FlowRing ring, FlowNaming naming, boolean pinsNodes, MeterRegistry registry) {
    FlowsService service =
        new FlowsService(ring, naming, new FlowAccess(pinsNodes), Clock.systemUTC());
    FunctionCounter.builder(
            "palisade.flows.dropped.on.nodes", service, FlowsService::droppedOnNodes)
        .description("Flows the daemons dropped because their relay queue was full.")
        .register(registry);
    return service;
  }

  void routes(@Observes Router router, FlowRing ring) {
    FlowRoutes.install(router, ring, Clock.systemUTC());
  }
}
