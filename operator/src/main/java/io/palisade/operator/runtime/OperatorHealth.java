package io.palisade.operator.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The probes' view of the pipeline, beside QOSDK's own checks of its controllers: ready once the
 * inventory is whole and node state is served, live while the pipeline loop runs.
 */
public final class OperatorHealth {

  private OperatorHealth() {}

  /** {@code /q/health/ready}. */
  @Readiness
  @ApplicationScoped
  public static class Ready implements HealthCheck {

    @Inject OperatorRuntime runtime;

    @Override
    public HealthCheckResponse call() {
      Optional<String> why = runtime.notReady();
      return HealthCheckResponse.named("palisade-pipeline")
          .status(why.isEmpty())
          .withData("reason", why.orElse("inventory synced, node state served"))
          .build();
    }
  }

  /** {@code /q/health/live}. */
  @Liveness
  @ApplicationScoped
  public static class Live implements HealthCheck {

    @Inject OperatorRuntime runtime;

    @Override
    public HealthCheckResponse call() {
      return HealthCheckResponse.named("palisade-pipeline-loop").status(runtime.alive()).build();
    }
  }
}
