package io.palisade.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.palisade.gitops.RepositoryCache;
import io.palisade.gitops.SourceSync;
import io.palisade.operator.source.PolicyApplier;
import io.palisade.operator.source.RevisionReachability;
import io.palisade.operator.source.SourceMetrics;
import io.palisade.operator.source.SourceWebhooks;
import io.palisade.operator.source.WebhookRoutes;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The PolicySource parts as CDI beans: one repository cache for every source (a bare repository per
 * URL, on a volume in a cluster), their meters, and the webhook routes on the HTTP port.
 */
@ApplicationScoped
public class SourceBeans {

  @ConfigProperty(
      name = "palisade.policysource.cache-dir",
      defaultValue = "/var/cache/palisade/git")
  String cacheDir;

  @Produces
  @Singleton
  RepositoryCache repositoryCache() {
    return new RepositoryCache(Path.of(cacheDir));
  }

  void closeCache(@Disposes RepositoryCache cache) {
    cache.close();
  }

  /**
   * Identity-group pairs x ports decided at most when counting a revision's reachability change.
   */
  @ConfigProperty(name = "palisade.policysource.reachability-max-pairs", defaultValue = "1000000")
  long reachabilityMaxPairs;

  @Produces
  @Singleton
  RevisionReachability revisionReachability(ClusterInventory inventory, RepositoryCache cache) {
    return new RevisionReachability(inventory, cache, reachabilityMaxPairs);
  }

  void closeReachability(@Disposes RevisionReachability reachability) {
    reachability.close();
  }

  @Produces
  @Singleton
  SourceSync sourceSync(RepositoryCache cache) {
    return new SourceSync(cache);
  }

  @Produces
  @Singleton
  PolicyApplier policyApplier(KubernetesClient client) {
    return new PolicyApplier(client);
  }

  @Produces
  @Singleton
  SourceMetrics sourceMetrics(MeterRegistry registry) {
    return new SourceMetrics(registry);
  }

  @Produces
  @Singleton
  SourceWebhooks sourceWebhooks(SourceMetrics metrics) {
    return new SourceWebhooks(metrics, Clock.systemUTC());
  }

  void routes(@Observes Router router, SourceWebhooks webhooks) {
    WebhookRoutes.install(router, webhooks);
  }
}
