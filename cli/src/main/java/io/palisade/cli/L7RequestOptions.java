package io.palisade.cli;

import io.palisade.policy.l7.DnsQuery;
import io.palisade.policy.l7.HttpRequest;
import io.palisade.policy.l7.HttpRequest.Header;
import io.palisade.policy.l7.KafkaApiKeys;
import io.palisade.policy.l7.KafkaRequest;
import io.palisade.policy.l7.L7Request;
import io.palisade.policy.mapstate.L7Parser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The request {@code trace} asks about on an L7 port: HTTP ({@code --http}, {@code --grpc}, with
 * {@code --header} and {@code --host}), Kafka ({@code --kafka-*}) or DNS ({@code --dns}). A mix of
 * protocols, or an option without the one it refines, is a usage error naming the option.
 */
final class L7RequestOptions {

  @Option(
      names = "--http",
      arity = "2",
      paramLabel = "METHOD PATH",
      description = "An HTTP request on the port, e.g. --http POST /v1/request-landing.")
  List<String> http;

  @Option(
      names = "--grpc",
      paramLabel = "/PKG.SERVICE/METHOD",
      description = "A gRPC call on the port (an HTTP/2 POST to that path).")
  String grpc;

  @Option(
      names = "--header",
      paramLabel = "NAME:VALUE",
      description = "A header of the --http or --grpc request (repeatable).")
  List<String> headers;

  @Option(names = "--host", paramLabel = "HOST", description = "The --http request's authority.")
  String host;

  @Option(
      names = "--kafka-api",
      paramLabel = "KEY",
      description = "A Kafka request with this API key: produce, fetch, metadata, ... or a number.")
  String kafkaApi;

  @Option(
      names = "--kafka-topic",
      paramLabel = "TOPIC",
      description = "A topic of the Kafka request (repeatable).")
  List<String> kafkaTopics;

  @Option(names = "--kafka-client-id", paramLabel = "ID", description = "The Kafka client id.")
  String kafkaClientId;

  @Option(
      names = "--kafka-api-version",
      paramLabel = "V",
      description = "The Kafka request's API version.")
  String kafkaApiVersion;

  @Option(names = "--dns", paramLabel = "NAME", description = "A DNS query for NAME on the port.")
  String dns;

  /** The options given, grouped by protocol, in a fixed order. */
  private Map<L7Parser, List<String>> given() {
    Map<L7Parser, List<String>> out = new LinkedHashMap<>();
    add(out, L7Parser.HTTP, "--http", http != null);
    add(out, L7Parser.HTTP, "--grpc", grpc != null);
    add(out, L7Parser.HTTP, "--header", headers != null);
    add(out, L7Parser.HTTP, "--host", host != null);
    add(out, L7Parser.KAFKA, "--kafka-api", kafkaApi != null);
    add(out, L7Parser.KAFKA, "--kafka-topic", kafkaTopics != null);
    add(out, L7Parser.KAFKA, "--kafka-client-id", kafkaClientId != null);
    add(out, L7Parser.KAFKA, "--kafka-api-version", kafkaApiVersion != null);
    add(out, L7Parser.DNS, "--dns", dns != null);
    return out;
  }

  private static void add(Map<L7Parser, List<String>> out, L7Parser p, String name, boolean set) {
    if (set) {
      out.computeIfAbsent(p, k -> new ArrayList<>()).add(name);
    }
  }

  /** The options naming the request, for messages: {@code --kafka-api/--kafka-topic}. */
  String options() {
    return given().values().stream().flatMap(List::stream).reduce((a, b) -> a + "/" + b).orElse("");
  }

  /** The request, or empty when no L7 option is given. */
  Optional<L7Request> request() {
    Map<L7Parser, List<String>> given = given();
    if (given.isEmpty()) {
      return Optional.empty();
    }
    if (given.size() > 1) {
      List<String> firsts = given.values().stream().map(List::getFirst).toList();
      throw new IllegalArgumentException(
          firsts.get(0)
              + " and "
              + firsts.get(1)
              + " cannot be combined: a traced request is HTTP (or gRPC), Kafka or DNS");
    }
    return Optional.of(
        switch (given.keySet().iterator().next()) {
          case HTTP -> httpRequest();
          case KAFKA -> kafkaRequest();
          case DNS -> dnsQuery();
        });
  }

  private HttpRequest httpRequest() {
    if (http != null && grpc != null) {
      throw new IllegalArgumentException(
          "--grpc is a request of its own: give --http METHOD PATH or --grpc, not both");
    }
    if (http == null && grpc == null) {
      throw new IllegalArgumentException(
          (headers != null ? "--header" : "--host")
              + " describes an HTTP request: give it with --http METHOD PATH or --grpc"
              + " /PKG.SERVICE/METHOD");
    }
    List<Header> hs = new ArrayList<>();
    for (String h : headers == null ? List.<String>of() : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--header \"" + h + "\" must be NAME:VALUE");
      }
      hs.add(new Header(h.substring(0, colon).trim(), h.substring(colon + 1).trim()));
    }
    Optional<String> authority = Optional.ofNullable(host);
    if (grpc != null) {
      if (!grpc.matches("/[^/\\s]+/[^/\\s]+")) {
        throw new IllegalArgumentException(
            "--grpc \""
                + grpc
                + "\" must be /PACKAGE.SERVICE/METHOD, e.g. /helloworld.Greeter/SayHello");
      }
      return HttpRequest.grpc(grpc, authority, hs);
    }
    String method = http.get(0);
    String path = http.get(1);
    if (!method.matches("[A-Za-z]+")) {
      throw new IllegalArgumentException("--http method \"" + method + "\" is not an HTTP method");
    }
    if (!path.startsWith("/") && !path.equals("*")) {
      throw new IllegalArgumentException("--http path \"" + path + "\" must start with /");
    }
    return new HttpRequest(method, path, authority, hs);
  }

  private KafkaRequest kafkaRequest() {
    if (kafkaApi == null) {
      String first = given().get(L7Parser.KAFKA).getFirst();
      throw new IllegalArgumentException(
          first
              + " describes a Kafka request: give its API key with --kafka-api KEY (e.g. produce)");
    }
    int key =
        KafkaApiKeys.parse(kafkaApi)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "--kafka-api \""
                            + kafkaApi
                            + "\" is not a Kafka API key: "
                            + String.join(", ", KafkaApiKeys.names())
                            + ", or a number"));
    Optional<Integer> version = Optional.empty();
    if (kafkaApiVersion != null) {
      if (!kafkaApiVersion.matches("[0-9]{1,5}")
          || Integer.parseInt(kafkaApiVersion) > Short.MAX_VALUE) {
        throw new IllegalArgumentException(
            "--kafka-api-version \"" + kafkaApiVersion + "\" is not a Kafka API version (0-32767)");
      }
      version = Optional.of(Integer.parseInt(kafkaApiVersion));
    }
    return new KafkaRequest(
        key,
        version,
        Optional.ofNullable(kafkaClientId),
        kafkaTopics == null ? List.of() : kafkaTopics);
  }

  private DnsQuery dnsQuery() {
    if (!dns.matches("([-a-zA-Z0-9_]+[.]?)+|[.]")) {
      throw new IllegalArgumentException(
          "--dns \"" + dns + "\" is not a DNS name: letters, digits, '-', '_' and dots");
    }
    return new DnsQuery(dns);
  }
}
