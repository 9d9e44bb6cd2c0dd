package io.palisade.cli.standalone;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.gitops.WebhookReceiver;
import io.palisade.http.EmbeddedHttpServer;
import io.palisade.http.HttpLimits;
import io.palisade.http.HttpResponse;
import io.palisade.node.observe.FlowsEndpoint;
import io.palisade.node.observe.ObserveServer;
import io.palisade.pipeline.flows.FlowRing;
import io.palisade.web.PageApi;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Standalone mode's HTTP face (loopback unless told otherwise): {@code GET /readyz} answers 200
 * once the current generation of policies is applied (and, with enforcement, in the datapath),
 * {@code /healthz} 200 while it serves, {@code GET /api/policies} lists each policy with conditions
 * in the kstatus shape, and {@code /metrics} the meters; with a Git source, a verified webhook call
 * at {@code /hook/<sha256>} syncs at once.
 */
public final class StatusServer implements AutoCloseable {

  private final EmbeddedHttpServer server;
  private final ObjectMapper json = new ObjectMapper();

  /** On loopback; {@code ready} says whether the current generation is in force, and where. */
  public StatusServer(int port, Supplier<List<PolicyStatus>> state, Supplier<Readiness> ready)
      throws IOException {
    this(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
        state,
        ready,
        ObserveServer.newRegistry()::scrape,
        Optional.empty(),
        () -> {});
  }

  /**
   * On {@code address}, with {@code metrics} giving the Prometheus text of every meter. With a
   * webhook receiver: a verified {@code POST} to its path calls {@code syncNow}; a call with a bad
   * signature is refused with 401 and logged by the caller's receiver answer.
   */
  public StatusServer(
      InetSocketAddress address,
      Supplier<List<PolicyStatus>> state,
      Supplier<Readiness> ready,
      Supplier<String> metrics,
      Optional<WebhookReceiver> hook,
      Runnable syncNow)
      throws IOException {
    this(address, state, ready, metrics, hook, syncNow, Optional.empty(), Optional.empty());
  }

  /**
   * As above, with {@code page}: the web page at {@code /ui/} and the JSON it reads beside {@code
   * /api/policies} ({@code /api/matrix}, {@code POST /api/whatif}); and {@code GET /api/flows} of
   * the datapath's recent flows when standalone enforces ({@link FlowsEndpoint}): without a
   * datapath there are no flows, and it answers 404 saying so.
   */
  public StatusServer(
      InetSocketAddress address,
      Supplier<List<PolicyStatus>> state,
      Supplier<Readiness> ready,
      Supplier<String> metrics,
      Optional<WebhookReceiver> hook,
      Runnable syncNow,
      Optional<PageApi> page,
      Optional<FlowRing> flows)
      throws IOException {
    EmbeddedHttpServer.Builder b =
        EmbeddedHttpServer.on(address)
            .limits(HttpLimits.DEFAULT.withMaxBodyBytes(WebhookReceiver.MAX_BODY_BYTES))
            .get("/healthz", request -> HttpResponse.text(200, "ok\n"))
            .get(
                "/metrics",
                request -> HttpResponse.of(200, ObserveServer.PROMETHEUS_TEXT, metrics.get()))
            .get(
                "/readyz",
                request -> {
                  Readiness r = ready.get();
                  return HttpResponse.text(r.ready() ? 200 : 503, r.message() + "\n");
                })
            .get(
                "/api/policies",
                request ->
                    HttpResponse.json(
                        200, json.writeValueAsString(policies(state.get(), ready.get()))));
    page.ifPresent(api -> PageRoutes.install(b, api));
    flows.ifPresentOrElse(
        ring -> b.events(FlowsEndpoint.PATH, new FlowsEndpoint(ring, Clock.systemUTC())),
        () ->
            b.get(
                FlowsEndpoint.PATH,
                request ->
                    HttpResponse.text(
                        404,
                        "no flows: standalone reports flows only with --enforce, where it has a"
                            + " datapath\n")));
    hook.ifPresent(
        receiver ->
            b.prefix(
                "/hook/",
                request -> {
                  WebhookReceiver.Answer a =
                      receiver.receive(
                          request.method(), request.path(), request::header, request.body());
                  if (a.sync()) {
                    syncNow.run();
                  }
                  return HttpResponse.text(
                      a.status(), a.sync() ? "sync started\n" : a.reason() + "\n");
                }));
    server = b.start();
  }

  /**
   * Whether the source's current policies are in force ({@code ready}), with a line saying so;
   * {@code held} says whether the last generation taken is in force, which it stays while a later
   * change of the source is refused.
   */
  public record Readiness(
      boolean ready, boolean held, String message, String reason, String detail) {}

  public int port() {
    return server.port();
  }

  /** {@code http://HOST:PORT} of where it listens. */
  public String url() {
    return server.url();
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
   * enforces them, so the traffic they select is dropped, and saying "Enforced" would claim more. A
   * policy whose removal was refused is Ready (it is still enforced) and Stalled until the source
   * has it again or the budget allows its removal.
   */
  private static List<Map<String, String>> conditions(PolicyStatus p, Readiness r) {
    List<Map<String, String>> conditions = new ArrayList<>();
    conditions.add(
        condition(
            "Valid",
            p.valid(),
            p.valid() ? "Valid" : "Invalid",
            p.valid() ? "the policy is valid" : String.join("; ", p.errors())));
    boolean held = p.valid() && r.held();
    boolean l7 = held && p.l7();
    String l7Message =
        // A policy with L7 rules has an enforcement message with its L7 half ("L3/L4 ... L7 on").
        p.enforcement()
            .map(m -> m + "; the traffic its L7 rules select is dropped")
            .orElse(
                "L3/L4 "
                    + r.detail()
                    + "; its L7 rules are not enforced: no L7 proxy runs here, so the traffic"
                    + " they select is dropped");
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
        p.removalRefused()
            .map(why -> condition("Stalled", true, "RemovalRefused", why))
            .orElseGet(
                () ->
                    condition(
                        "Stalled",
                        !p.valid() || l7,
                        !p.valid() ? "Invalid" : l7 ? "L7NotEnforced" : "Valid",
                        !p.valid() ? "fix the errors and commit again" : l7 ? l7Message : "")));
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

  @Override
  public void close() {
    server.close();
  }
}
