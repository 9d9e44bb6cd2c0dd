package io.palisade.policy.l7;

import io.palisade.policy.mapstate.L7Parser;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An HTTP request: method, path (query included, as Envoy's {@code :path}), the authority when
 * known, and headers in the order given. Header names compare without case, as HTTP defines them.
 */
public record HttpRequest(String method, String path, Optional<String> host, List<Header> headers)
    implements L7Request {

  /** One header line; a name may appear more than once. */
  public record Header(String name, String value) {}

  public HttpRequest {
    headers = List.copyOf(headers);
  }

  /** A gRPC call is an HTTP/2 POST to {@code /package.Service/Method}, as Cilium matches it. */
  public static HttpRequest grpc(String path, Optional<String> host, List<Header> headers) {
    List<Header> all = new java.util.ArrayList<>(headers);
    all.add(new Header("content-type", "application/grpc"));
    return new HttpRequest("POST", path, host, all);
  }

  /** The values of the header {@code name}, in order. */
  public List<String> values(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return headers.stream()
        .filter(h -> h.name().toLowerCase(Locale.ROOT).equals(lower))
        .map(Header::value)
        .toList();
  }

  @Override
  public L7Parser parser() {
    return L7Parser.HTTP;
  }

  @Override
  public String describe() {
    return method + " " + path + host.map(h -> " (host " + h + ")").orElse("");
  }
}
