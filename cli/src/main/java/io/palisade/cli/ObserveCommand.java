package io.palisade.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.palisade.pipeline.flows.Flow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code palisade observe}: the flows of a {@code standalone --enforce} instance or a node daemon
 * ({@code GET /api/flows}), or of every stream-mode daemon through the operator ({@code
 * --operator}, {@link OperatorFlows}), filtered on the server, as a table or JSON lines; with
 * {@code --follow}, as they happen.
 */
@Command(
    name = "observe",
    mixinStandardHelpOptions = true,
    description =
        "Print the flows a standalone --enforce instance, a node daemon, or (--operator) every"
            + " stream-mode daemon saw, with the policy rule that decided each.")
final class ObserveCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(
      names = "--server",
      defaultValue = "http://127.0.0.1:9876",
      paramLabel = "URL",
      description =
          "standalone's HTTP address (default http://127.0.0.1:9876), or a node daemon's"
              + " --metrics-port address.")
  URI server;

  @Option(
      names = "--operator",
      paramLabel = "HOST:PORT",
      description =
          "The operator's node-state address (port 9870): the flows of every stream-mode daemon,"
              + " named by the operator. Needs --tls-cert, --tls-key and --tls-ca.")
  String operator;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "With --operator: a PEM client certificate whose CN is observer:NAME.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "With --operator: its key.")
  Path tlsKey;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description = "With --operator: the CA of the operator's node-state certificate.")
  Path tlsCa;

  @Option(names = "--node", paramLabel = "NODE", description = "Flows the node NODE saw.")
  String node;

  @Option(names = "--pod", paramLabel = "NS/POD", description = "Flows from or to this pod.")
  String pod;

  @Option(names = "--namespace", paramLabel = "NS", description = "From or to this namespace.")
  String namespace;

  @Option(names = "--identity", paramLabel = "N", description = "From or to this identity.")
  String identity;

  @Option(
      names = "--verdict",
      paramLabel = "V",
      description = "allowed, redirected, dropped, denied or audit.")
  String verdict;

  @Option(
      names = "--policy",
      paramLabel = "NS/NAME",
      description = "Decided (or default-denied) by this policy.")
  String policy;

  @Option(names = "--port", paramLabel = "N", description = "From or to this port.")
  String port;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "Only flows since a duration ago (30s, 5m, 1h) or an instant.")
  String since;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing flows as they happen (with --since: the recent ones first).")
  boolean follow;

  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      paramLabel = "table|json",
      description = "table (default) or json: one flow per line, the /api/flows shape.")
  String format;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!format.equals("table") && !format.equals("json")) {
      err.println("palisade observe: -o: \"" + format + "\" is neither table nor json");
      return 2;
    }
    FlowPrinter printer = new FlowPrinter(out, format.equals("json"));
    if (operator != null || tlsCert != null || tlsKey != null || tlsCa != null) {
      return fromOperator(printer, out, err);
    }
    URI uri = server.resolve("/api/flows" + query());
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<InputStream> response;
    try {
      response =
          http.send(
              HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      err.println("palisade observe: cannot reach " + server + ": " + e.getMessage());
      return 1;
    }
    if (response.statusCode() != 200) {
      try (InputStream body = response.body()) {
        err.println(
            "palisade observe: "
                + uri
                + " answered "
                + response.statusCode()
                + ": "
                + new String(body.readAllBytes(), StandardCharsets.UTF_8).strip());
      }
      return response.statusCode() == 400 ? 2 : 1;
    }
    try (InputStream body = response.body()) {
      if (!follow) {
        for (JsonNode f : JSON.readTree(body)) {
          printer.print(Flow.fromJson(f));
        }
        out.flush();
        return 0;
      }
      follow(
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)),
          printer,
          out,
          err);
      err.println("palisade observe: " + server + " closed the stream");
      return 1;
    } catch (IOException e) {
      // A server that stops or a connection that drops ends a followed stream: say so, exit 1.
      err.println("palisade observe: the flows from " + server + " stopped: " + e.getMessage());
      return 1;
    }
  }

  /** Prints the flows of a followed stream until it ends. */
  private static void follow(
      BufferedReader events, FlowPrinter printer, PrintWriter out, PrintWriter err)
      throws IOException {
    String event = "";
    for (String line; (line = events.readLine()) != null; ) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        JsonNode data = JSON.readTree(line.substring(6));
        if (event.equals("flow")) {
          printer.print(Flow.fromJson(data));
        } else if (event.equals("lost")) {
          err.println(
              "palisade observe: "
                  + data.path("lost").asLong()
                  + " flows lost: this client fell behind");
        }
        out.flush();
      }
    }
  }

  private int fromOperator(FlowPrinter printer, PrintWriter out, PrintWriter err) {
    List<String> problems = new ArrayList<>();
    if (operator == null) {
      problems.add("--tls-cert, --tls-key and --tls-ca go with --operator HOST:PORT");
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--server")) {
      problems.add("--server and --operator: give one");
    }
    if (tlsCert == null || tlsKey == null || tlsCa == null) {
      problems.add(
          "--operator needs --tls-cert, --tls-key and --tls-ca: a certificate whose CN is"
              + " observer:NAME, its key, and the operator's CA (the operator serves no plain text"
              + " flows)");
    }
    ObserverTls tls = null;
    if (problems.isEmpty()) {
      tls = new ObserverTls(tlsCert, tlsKey, tlsCa);
      problems.addAll(tls.problems());
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("palisade observe: " + p));
      return 2;
    }
    return new OperatorFlows(operator, tls).print(filters(), follow, printer, out, err);
  }

  private String query() {
    Map<String, String> params = filters();
    if (follow) {
      params.put("follow", "true");
    }
    if (params.isEmpty()) {
      return "";
    }
    StringJoiner q = new StringJoiner("&", "?", "");
    params.forEach((k, v) -> q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return q.toString();
  }

  /** The filters given, by their /api/flows names. */
  private Map<String, String> filters() {
    Map<String, String> params = new LinkedHashMap<>();
    put(params, "pod", pod);
    put(params, "namespace", namespace);
    put(params, "identity", identity);
    put(params, "verdict", verdict);
    put(params, "policy", policy);
    put(params, "port", port);
    put(params, "node", node);
    put(params, "since", since);
    return params;
  }

  private static void put(Map<String, String> params, String key, String value) {
    if (value != null) {
      params.put(key, value);
    }
  }
}
