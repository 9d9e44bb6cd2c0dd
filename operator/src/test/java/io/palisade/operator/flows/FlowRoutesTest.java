package io.palisade.operator.flows;

import static org.assertj.core.api.Assertions.assertThat;

import io.palisade.pipeline.flows.Flow;
import io.palisade.pipeline.flows.FlowRing;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/flows} on a real Vert.x server, as the operator's HTTP port serves it: the relayed
 * flows with their node, a bad filter refused naming it, and a follow that gets a later flow.
 */
class FlowRoutesTest {

  @TempDir Path policies;

  private final FlowRing ring = new FlowRing(100);
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private HttpServer server;
  private Flow relayed;

  @BeforeEach
  void start() throws Exception {
    RelayedFlows flows = new RelayedFlows(policies);
    relayed = flows.naming().name(flows.deniedXwing()).onNode("node-a");
    ring.accept(relayed);
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    FlowRoutes.install(router, ring, Clock.systemUTC());
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
  }

  private URI uri(String query) {
    return URI.create("http://127.0.0.1:" + server.actualPort() + "/api/flows" + query);
  }

  private HttpResponse<String> get(String query) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(query)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theRelayedFlowsAnswerWithTheirNodeAndTheFilters() throws Exception {
    HttpResponse<String> all = get("?node=node-a");
    assertThat(all.statusCode()).isEqualTo(200);
    assertThat(all.body()).isEqualTo("[" + relayed.toJson() + "]");
    assertThat(get("?node=node-b").body()).isEqualTo("[]");
  }

  @Test
  void aBadFilterIsRefusedNamingIt() throws Exception {
    HttpResponse<String> bad = get("?port=http&follow=maybe");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body())
        .contains("port: \"http\" is not a port number")
        .contains("follow: \"maybe\" is neither true nor false");
  }

  @Test
  void aFollowGetsALaterFlowAsAServerSentEvent() throws Exception {
    HttpResponse<Stream<String>> response =
        http.send(
            HttpRequest.newBuilder(uri("?follow=true&node=node-a"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/event-stream");
    Iterator<String> lines = response.body().iterator();
    assertThat(lines.next()).isEqualTo("event: ping"); // the follower is registered
    CompletableFuture<String> flow =
        CompletableFuture.supplyAsync(
            () -> {
              while (lines.hasNext()) {
                String line = lines.next();
                if (line.equals("event: flow")) {
                  return lines.next();
                }
              }
              return "";
            });
    ring.accept(relayed);
    assertThat(flow.get(20, TimeUnit.SECONDS)).isEqualTo("data: " + relayed.toJson());
    response.body().close();
  }
}
