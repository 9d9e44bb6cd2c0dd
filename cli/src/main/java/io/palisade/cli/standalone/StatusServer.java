package io.palisade.cli.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.palisade.gitops.WebhookReceiver;
import io.palisade.node.observe.ObserveServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Standalone mode's HTTP face on loopback: {@code GET /readyz} answers 200 once the current
 * generation of policies is applied (and, with enforcement, in the datapath), {@code /healthz} 200
 * while it serves, {@code GET /api/policies} lists each policy with conditions in the kstatus
 * shape, and {@code /metrics} the meters; with a Git source, a verified webhook call at {@code
 * /hook/<sha256>} syncs at once.
 */
public final class StatusServer implements AutoCloseable {

  private final HttpServer server;
  private final ObjectMapper json = new ObjectMapper();

  /** {@code ready} says whether the current generation is in force, and at which revision. */
  public StatusServer(int port, Supplier<List<PolicyStatus>> state, Supplier<Readiness> ready)
      throws IOException {
    this(port, state, ready, Optional.empty(), () -> {});
  }

  /**
   * With a webhook receiver: a verified {@code POST} to its path calls {@code syncNow}; a call with
   * a bad signature is refused with 401 and logged by the caller's receiver answer.
   */
  public StatusServer(
      int port,
      Supplier<List<PolicyStatus>> state,
      Supplier<Readiness> ready,
      Optional<WebhookReceiver> hook,
      Runnable syncNow)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/healthz", ex -> send(ex, 200, "ok\n", "text/plain"));
    server.createContext(
        "/readyz",
        ex -> {
          Readiness r = ready.get();
          send(ex, r.ready() ? 200 : 503, r.message() + "\n", "text/plain");
        });
    server.createContext(
        "/api/policies",
        ex ->
            send(
                ex,
                200,
                json.writeValueAsString(policies(state.get(), ready.get())),
                "application/json"));
    hook.ifPresent(
        receiver ->
            server.createContext(
                "/hook/",
                ex -> {
                  byte[] body = ex.getRequestBody().readNBytes(WebhookReceiver.MAX_BODY_BYTES + 1);
                  WebhookReceiver.Answer a =
                      receiver.receive(
                          ex.getRequestMethod(),
                          ex.getRequestURI().getPath(),
                          h -> Optional.ofNullable(ex.getRequestHeaders().getFirst(h)),
                          body);
                  if (a.sync()) {
                    syncNow.run();
                  }
                  send(
                      ex,
                      a.status(),
                      a.sync() ? "sync started\n" : a.reason() + "\n",
                      "text/plain");
                }));
    server.start();
  }

  /** Serves {@code /metrics}: {@code scrape} gives the Prometheus text of every meter. */
  public void serveMetrics(Supplier<String> scrape) {
    server.createContext(
        "/metrics", ex -> send(ex, 200, scrape.get(), ObserveServer.PROMETHEUS_TEXT));
  }

  /** Whether the current generation is in force, with a line saying so. */
  public record Readiness(boolean ready, String message, String reason, String detail) {}

  public int port() {
    return server.getAddress().getPort();
  }

  /** Each policy with its revision, errors and conditions: {@code /api/policies}, {@code -o}. */
  static List<Map<String, Object>> policies(List<PolicyStatus> state, Readiness r) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (PolicyStatus p : state) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", p.kind());
      m.put("namespace", p.namespace());
      m.put("name", p.name());
      m.put("revision", p.revision());
      m.put("errors", p.errors());
      m.put("conditions", conditions(p, r));
      out.add(m);
    }
    return out;
  }

  /**
   * Valid, Ready and Stalled in the kstatus shape. A policy with L7 rules is never Ready: no proxy
   * enforces them, so the traffic they select is dropped, and saying "Enforced" would claim more.
   */
  private static List<Map<String, String>> conditions(PolicyStatus p, Readiness r) {
    List<Map<String, String>> conditions = new ArrayList<>();
    conditions.add(
        condition(
            "Valid",
            p.valid(),
            p.valid() ? "Valid" : "Invalid",
            p.valid() ? "the policy is valid" : String.join("; ", p.errors())));
    boolean held = p.valid() && r.ready();
    boolean l7 = held && p.l7();
    String l7Message =
        "L3/L4 "
            + r.detail()
            + "; its L7 rules are not enforced: no L7 proxy runs here, so the traffic they"
            + " select is dropped";
    conditions.add(
        condition(
            "Ready",
            held && !l7,
            l7
                ? "L7NotEnforced"
                : held
                    ? r.reason()
                    : p.inForce() ? "LastGoodKept" : p.valid() ? "Progressing" : "Invalid",
            l7
                ? l7Message
                : held
                    ? r.detail()
                    : p.inForce()
                        ? "the last valid copy stays in force"
                        : p.valid() ? "being applied" : "not in force"));
    conditions.add(
        condition(
            "Stalled",
            !p.valid() || l7,
            !p.valid() ? "Invalid" : l7 ? "L7NotEnforced" : "Valid",
            !p.valid() ? "fix the errors and commit again" : l7 ? l7Message : ""));
    return conditions;
  }

  private static Map<String, String> condition(
      String type, boolean status, String reason, String message) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status ? "True" : "False");
    c.put("reason", reason);
    c.put("message", message);
    return c;
  }

  private static void send(HttpExchange ex, int code, String body, String type) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
