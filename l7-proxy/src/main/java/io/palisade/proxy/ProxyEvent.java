package io.palisade.proxy;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One request the proxy decided: the listener's direction, the connection's endpoints (the
 * destination being the original one), method and path (for gRPC also service and method), the
 * verdict, and the RBAC policy that decided it (allow reason or the reason of the denial).
 */
public record ProxyEvent(
    String direction,
    InetSocketAddress source,
    InetSocketAddress destination,
    String method,
    String path,
    Optional<String> grpcService,
    Optional<String> grpcMethod,
    Verdict verdict,
    String policy) {

  /** The verdict, named as the flow log names it. */
  public enum Verdict {
    ALLOWED("l7-allowed"),
    DENIED("l7-denied");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** A gRPC call's service and method from its path {@code /pkg.Service/Method}. */
  static ProxyEvent of(
      String direction,
      InetSocketAddress source,
      InetSocketAddress destination,
      String method,
      String path,
      boolean grpc,
      Verdict verdict,
      String policy) {
    Optional<String> service = Optional.empty();
    Optional<String> rpc = Optional.empty();
    int slash = path.indexOf('/', 1);
    if (grpc && path.startsWith("/") && slash > 1) {
      service = Optional.of(path.substring(1, slash));
      rpc = Optional.of(path.substring(slash + 1));
    }
    return new ProxyEvent(
        direction, source, destination, method, path, service, rpc, verdict, policy);
  }
}
