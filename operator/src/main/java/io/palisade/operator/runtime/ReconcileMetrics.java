package io.palisade.operator.runtime;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;

/**
 * The reconcilers' meters, as the Java Operator SDK reports each run: how many by kind, operation
 * ({@code reconcile} or {@code cleanup}) and outcome, and how long they took. Replaces QOSDK's
 * default, which labels every meter with the resource's name and namespace too, one series per
 * policy in the cluster.
 */
public final class ReconcileMetrics implements Metrics {

  private final MeterRegistry registry;

  public ReconcileMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    String kind = kind(execution.metadata(), execution.controllerName());
    Timer.Sample sample = Timer.start(registry);
    String outcome = "failure";
    try {
      T result = execution.execute();
      outcome = "success";
      return result;
    } finally {
      sample.stop(
          Timer.builder("palisade.reconcile.duration")
              .description("One run of a reconciler, by kind, operation and outcome.")
              .tags("kind", kind, "operation", execution.name(), "outcome", outcome)
              .publishPercentileHistogram()
              .register(registry));
      Counter.builder("palisade.reconciles")
          .description("Runs of a reconciler, by kind, operation and outcome.")
          .tags("kind", kind, "operation", execution.name(), "outcome", outcome)
          .register(registry)
          .increment();
    }
  }

  private static String kind(Map<String, Object> metadata, String controller) {
    return metadata.get(Constants.RESOURCE_GVK_KEY) instanceof GroupVersionKind gvk
        ? gvk.getKind()
        : controller;
  }
}
