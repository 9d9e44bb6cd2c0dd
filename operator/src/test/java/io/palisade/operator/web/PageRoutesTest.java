package io.palisade.operator.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.pipeline.StarWars;
import io.palisade.pipeline.inventory.ClusterInventory;
import io.palisade.pipeline.inventory.PolicyValidation;
import io.palisade.pipeline.model.PolicyRef;
import io.palisade.pipeline.model.Workload;
import io.palisade.policy.cluster.Namespace;
import io.palisade.policy.parse.FieldError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page's JSON on a real Vert.x router over the operator's inventory: policies with their
 * source, a matrix cell, a what-if, and a refused request.
 */
class PageRoutesTest {

  private final ClusterInventory inventory = new ClusterInventory();
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    inventory.putNamespace(new Namespace("default", Map.of()));
    for (Workload w : StarWars.workloads()) {
      inventory.putWorkload(w);
    }
    inventory.putPolicy(
        new PolicyValidation.Checked(
            new PolicyRef("CiliumNetworkPolicy", "default", "rule1"),
            1,
            List.of(),
            StarWars.rules(StarWars.RULE1)));
    inventory.putPolicy(
        new PolicyValidation.Checked(
            new PolicyRef("CiliumNetworkPolicy", "default", "broken"),
            3,
            List.of(new FieldError("spec.ingress[0].toPorts[0].ports[0].port", "\"x\" is no port")),
            List.of()));
    Router router = Router.router(vertx);
    PageRoutes.install(router, inventory);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    http.close();
  }

  private HttpResponse<String> call(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void policiesCarryTheirSourceValidityAndErrors() throws Exception {
    HttpResponse<String> r = call("GET", "/api/policies", "");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode list = json.readTree(r.body());
    assertThat(list).hasSize(2);
    JsonNode broken = list.get(0);
    assertThat(broken.get("name").asText()).isEqualTo("broken");
    assertThat(broken.get("conditions").get(0).get("status").asText()).isEqualTo("False");
    assertThat(broken.get("errors").get(0).asText()).contains("spec.ingress[0].toPorts[0]");
    JsonNode rule1 = list.get(1);
    assertThat(rule1.get("source").asText()).isEqualTo("kubectl");
    assertThat(rule1.get("conditions").get(1).get("reason").asText()).isEqualTo("InPipeline");
  }

  @Test
  void theMatrixAndTheWhatIfReadTheLiveInventory() throws Exception {
    HttpResponse<String> m = call("GET", "/api/matrix?level=pod&ports=80%2FTCP", "");
    assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
    assertThat(m.body())
        .contains(
            "{\"from\":\"default/xwing\",\"to\":\"default/deathstar\",\"port\":\"80/TCP\","
                + "\"verdict\":\"DENIED\"");
    String wider =
        StarWars.RULE1.replace(
            "{org: empire}\n", "{org: empire}\n        - matchLabels: {org: alliance}\n");
    HttpResponse<String> w = call("POST", "/api/whatif?ports=80/TCP", wider);
    assertThat(w.statusCode()).as(w.body()).isEqualTo(200);
    JsonNode diff = json.readTree(w.body());
    assertThat(diff.get("widened").asLong()).isEqualTo(1);
    assertThat(diff.get("changes").get(0).get("from").asText()).isEqualTo("default/xwing");
    HttpResponse<String> bad = call("GET", "/api/matrix?level=galaxy&ports=80", "");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("level: \\\"galaxy\\\" is not pod or namespace");
  }
}
