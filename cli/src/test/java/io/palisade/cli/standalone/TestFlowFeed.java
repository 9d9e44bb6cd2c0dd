package io.palisade.cli.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The test's flow feed: a real HTTP server on loopback that answers {@code GET /api/flows} (a JSON
 * array; {@code ?follow=true}: server-sent events) with fixed flows in the contract the flows work
 * serves, and passes every other request to a standalone instance, so the page sees one origin. It
 * stands in for the node daemon's flows until they are served by standalone mode itself.
 */
final class TestFlowFeed implements AutoCloseable {

  /** One dropped flow: the Alliance's xwing refused by the sample policy rule1. */
  static final String DROPPED =
      """
      {"time":"2026-12-03T18:00:00Z","verdict":"DROPPED","reason":"policy-denied",\
      "direction":"ingress","protocol":"TCP",\
      "source":{"pod":"xwing","namespace":"default","address":"10.42.0.12","identity":1001,"port":40112},\
      "destination":{"pod":"deathstar","namespace":"default","address":"10.42.0.10","identity":1002,"port":80},\
      "policy":{"kind":"CiliumNetworkPolicy","namespace":"default","name":"rule1",\
      "rule":"spec.ingress[0]","source":"file config/samples/policies"}}""";

  /** One allowed flow, streamed live after the page has connected. */
  static final String FORWARDED =
      """
      {"time":"2026-12-03T18:00:01Z","verdict":"FORWARDED","reason":"policy-allowed",\
      "direction":"ingress","protocol":"TCP",\
      "source":{"pod":"tiefighter","namespace":"default","address":"10.42.0.11","identity":1003,"port":40113},\
      "destination":{"pod":"deathstar","namespace":"default","address":"10.42.0.10","identity":1002,"port":80},\
      "policy":{"kind":"CiliumNetworkPolicy","namespace":"default","name":"rule1",\
      "rule":"spec.ingress[0]","source":"file config/samples/policies"}}""";

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient client = HttpClient.newHttpClient();
  private volatile boolean closed;

  TestFlowFeed(int standalonePort) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/api/flows", this::flows);
    server.createContext("/", e -> forward(e, standalonePort));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void flows(HttpExchange e) throws IOException {
    String query = e.getRequestURI().getRawQuery();
    if (query != null && query.contains("follow=true")) {
      e.getResponseHeaders().set("Content-Type", "text/event-stream");
      e.sendResponseHeaders(200, 0);
      try (OutputStream out = e.getResponseBody()) {
        out.write(("data: " + FORWARDED + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        // Held open as a live stream is, until the feed closes or the page goes.
        while (!closed) {
          Thread.sleep(200);
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (InterruptedException | IOException gone) {
        // The page left or the feed closed: the stream ends.
      }
      return;
    }
    send(e, 200, "application/json", ("[" + DROPPED + "]").getBytes(StandardCharsets.UTF_8));
  }

  private void forward(HttpExchange e, int port) throws IOException {
    try {
      String query = e.getRequestURI().getRawQuery();
      URI to =
          URI.create(
              "http://127.0.0.1:"
                  + port
                  + e.getRequestURI().getRawPath()
                  + (query == null ? "" : "?" + query));
      byte[] body = e.getRequestBody().readAllBytes();
      HttpRequest.Builder r =
          HttpRequest.newBuilder(to)
              .method(e.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      String type = e.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        r.header("Content-Type", type);
      }
      HttpResponse<byte[]> a = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
      send(
          e, a.statusCode(), a.headers().firstValue("Content-Type").orElse("text/plain"), a.body());
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      send(e, 502, "text/plain", "interrupted\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void send(HttpExchange e, int status, String type, byte[] body)
      throws IOException {
    e.getResponseHeaders().set("Content-Type", type);
    e.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
    client.close();
  }
}
