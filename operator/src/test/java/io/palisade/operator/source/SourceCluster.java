package io.palisade.operator.source;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.palisade.crds.cilium.CiliumNetworkPolicy;
import io.palisade.crds.cilium.PolicyCondition;
import io.palisade.crds.palisade.PolicySource;
import io.palisade.crds.palisade.PolicySourceSpec;
import io.palisade.crds.palisade.PolicySourceStatus;
import io.palisade.crds.palisade.SourceRef;
import io.palisade.gitops.HttpGitServer;
import io.palisade.gitops.RepositoryCache;
import io.palisade.gitops.SourceSync;
import io.palisade.gitops.Upstream;
import io.palisade.operator.MockCluster;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A PolicySource world for tests: a real Git repository served by {@code git http-backend}, the
 * fabric8 mock API server (CRUD mode, answering server-side apply), the PolicySource reconciler
 * under plain JOSDK, and its webhook routes on a Vert.x HTTP server on loopback (its meters in a
 * Prometheus registry of its own); made before and removed after each test.
 */
final class SourceCluster implements BeforeEachCallback, AfterEachCallback {

  static final String NS = "prod";

  Path dir;
  Upstream upstream;
  HttpGitServer git;
  final ApplyingCrudDispatcher dispatcher = new ApplyingCrudDispatcher();
  KubernetesMockServer api;
  KubernetesClient client;
  RepositoryCache cache;
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final SourceMetrics metrics = new SourceMetrics(registry);
  final SourceWebhooks webhooks = new SourceWebhooks(metrics, Clock.systemUTC());
  Operator operator;

  /** The pods the reachability counts are over: tests put namespaces and workloads here. */
  final ClusterInventory inventory = new ClusterInventory();

  RevisionReachability reachability;

  /** The reconciler the operator runs; tests may also hand it a copy of their own. */
  PolicySourceReconciler reconciler;

  final Vertx vertx = Vertx.vertx();
  HttpServer http;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("policysource");
    upstream = new Upstream(dir);
    git = HttpGitServer.open(upstream.root);
    api =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    api.init();
    client = api.createClient();
    MockCluster.installCrds(client);
    cache = new RepositoryCache(dir.resolve("cache"));
    operator = MockCluster.operator(client);
    reachability =
        new RevisionReachability(inventory, cache, RevisionReachability.DEFAULT_MAX_PAIRS);
    reconciler =
        new PolicySourceReconciler(
            client,
            new SourceSync(cache),
            new PolicyApplier(client),
            webhooks,
            metrics,
            Optional.of(reachability),
            Clock.systemUTC());
    operator.register(reconciler);
    operator.start();
    Router router = Router.router(vertx);
    WebhookRoutes.install(router, webhooks);
    http =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  String url() {
    return git.url("policies.git");
  }

  String httpBase() {
    return "http://127.0.0.1:" + http.actualPort();
  }

  /** A spec following {@code main} at {@code path}, polling every 10 minutes (tests trigger). */
  static PolicySourceSpec spec(String url, String path) {
    return new PolicySourceSpec(
        url,
        new SourceRef("main", null, null, null),
        path,
        "10m",
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  PolicySource create(String name, PolicySourceSpec spec) {
    PolicySource s = new PolicySource();
    s.getMetadata().setName(name);
    s.getMetadata().setNamespace(NS);
    s.setSpec(spec);
    return client.resource(s).create();
  }

  void secret(String name, Map<String, String> data) {
    client
        .secrets()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withStringData(data)
                .build())
        .create();
  }

  static LocalObjectReference ref(String name) {
    return new LocalObjectReference(name);
  }

  /** Asks for a sync as {@code kubectl annotate ... palisade.io/requestedAt=...} does. */
  void requestSync(String name, String value) {
    annotate(name, Map.of(PolicySourceReconciler.REQUESTED_AT, value));
  }

  void annotate(String name, Map<String, String> annotations) {
    edit(
        name,
        s -> {
          Map<String, String> a =
              new HashMap<>(Optional.ofNullable(s.getMetadata().getAnnotations()).orElse(Map.of()));
          a.putAll(annotations);
          s.getMetadata().setAnnotations(a);
        });
  }

  /** Changes the source's spec, a new generation. */
  void editSpec(String name, UnaryOperator<PolicySourceSpec> change) {
    edit(name, s -> s.setSpec(change.apply(s.getSpec())));
  }

  private void edit(String name, Consumer<PolicySource> change) {
    client
        .resources(PolicySource.class)
        .inNamespace(NS)
        .withName(name)
        .edit(
            s -> {
              change.accept(s);
              return s;
            });
  }

  PolicySource source(String name) {
    return client.resources(PolicySource.class).inNamespace(NS).withName(name).get();
  }

  Optional<PolicySourceStatus> status(String name) {
    return Optional.ofNullable(source(name)).map(PolicySource::getStatus);
  }

  /** Waits until the source's status satisfies {@code test} and returns it. */
  PolicySourceStatus awaitStatus(String name, Predicate<PolicySourceStatus> test) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> status(name).filter(test).isPresent());
    return status(name).orElseThrow();
  }

  static Optional<PolicyCondition> condition(PolicySourceStatus s, String type) {
    return Optional.ofNullable(s.conditions()).orElse(List.of()).stream()
        .filter(c -> c.type().equals(type))
        .findFirst();
  }

  static boolean ready(PolicySourceStatus s, String status, String reason) {
    return condition(s, "Ready")
        .map(c -> c.status().equals(status) && c.reason().equals(reason))
        .orElse(false);
  }

  static String message(PolicySourceStatus s, String type) {
    return condition(s, type).map(PolicyCondition::message).orElse("");
  }

  Optional<CiliumNetworkPolicy> cnp(String name) {
    return Optional.ofNullable(
        client.resources(CiliumNetworkPolicy.class).inNamespace(NS).withName(name).get());
  }

  /** The first port of the CNP's first ingress rule, as Policies.cnp writes it. */
  Optional<String> port(String name) {
    return cnp(name)
        .map(p -> p.getSpec().ingress().getFirst().toPorts().getFirst().ports().getFirst().port());
  }

  List<String> eventReasons(String source) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(source))
        .map(Event::getReason)
        .toList();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    operator.stop();
    reachability.close();
    http.close();
    vertx.close();
    cache.close();
    git.close();
    api.destroy();
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
