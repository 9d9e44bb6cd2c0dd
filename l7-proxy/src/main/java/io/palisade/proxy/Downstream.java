package io.palisade.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One accepted connection: the listener port it came in on (the configured one), its source and
 * original destination, where its upstream goes, and the proxy's current config, read again for
 * every request so that a policy change reaches open connections on their next request.
 */
record Downstream(
    int listenerPort,
    InetSocketAddress source,
    InetSocketAddress destination,
    InetSocketAddress upstream,
    Supplier<ProxyConfig> config,
    Upstreams upstreams,
    ProxyEventListener events) {

  /** Decides one request and reports it. */
  ProxyConfig.Outcome decide(
      String method, String path, Map<String, List<String>> headers, boolean grpc) {
    RequestFacts facts =
        new RequestFacts(
            headers,
            Cidr.plain(source.getAddress()),
            Cidr.plain(destination.getAddress()),
            destination.getPort());
    ProxyConfig current = config.get();
    ProxyConfig.Outcome outcome = current.decide(listenerPort, path, facts);
    String direction = current.listener(listenerPort).map(ListenerConfig::direction).orElse("");
    ProxyEvent event =
        switch (outcome) {
          case ProxyConfig.Outcome.Forward f ->
              ProxyEvent.of(
                  direction,
                  source,
                  destination,
                  method,
                  path,
                  grpc,
                  ProxyEvent.Verdict.ALLOWED,
                  f.policy());
          case ProxyConfig.Outcome.Deny d ->
              ProxyEvent.of(
                  direction,
                  source,
                  destination,
                  method,
                  path,
                  grpc,
                  ProxyEvent.Verdict.DENIED,
                  d.reason());
          case ProxyConfig.Outcome.NoRoute n ->
              ProxyEvent.of(
                  direction,
                  source,
                  destination,
                  method,
                  path,
                  grpc,
                  ProxyEvent.Verdict.DENIED,
                  "no route");
        };
    try {
      events.onRequest(event);
    } catch (RuntimeException e) {
      // A listener's failure must not decide a request; the verdict stands.
    }
    return outcome;
  }

  /** Whether the current config still has a filter chain for this connection. */
  boolean hasChain() {
    return config
        .get()
        .listener(listenerPort)
        .flatMap(
            l -> l.chain(Cidr.plain(source.getAddress()), Cidr.plain(destination.getAddress())))
        .isPresent();
  }
}
